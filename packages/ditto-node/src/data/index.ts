export { type CsvParseOptions, type CsvSource, csvRecords, openCsv, readCsv, readCsvBatches } from './csv.js';
