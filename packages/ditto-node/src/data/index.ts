export {
  type CsvParseOptions,
  type CsvSource,
  csvFitBatches,
  csvRecords,
  openCsv,
  readCsv,
  readCsvBatches,
} from './csv.js';
