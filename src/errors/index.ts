export { errorCatalog, httpStatusOf, type ErrorCode } from './codes.js';
export { GatehouseError, isGatehouseError } from './gatehouse-error.js';
