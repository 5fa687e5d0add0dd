/** Node's side of the training callbacks: CSVLogger's files. */
export { csvFileSink, registerNodeCsvFiles } from './csv-file.js';
