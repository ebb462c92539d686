// Binance's error model as the simulator answers it: {"code": <negative int>, "msg": "..."} with an
// HTTP status. Codes and messages are the ones ../shared/docs/binance_trading.md quotes from errors.md;
// the few marked "errors.md, not quoted in our doc" follow the official list's wording.

/** A refusal the venue answers with a JSON error body. */
export interface VenueError {
  readonly http: number;
  readonly code: number;
  readonly msg: string;
}

const e = (http: number, code: number, msg: string): VenueError => ({ http, code, msg });

export const ERR = {
  timestampOutside: e(400, -1021, "Timestamp for this request is outside of the recvWindow."),
  timestampAhead: e(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  badSignature: e(400, -1022, "Signature for this request is not valid."),
  badKeyFormat: e(401, -2014, "API-key format invalid."),
  rejectedKey: e(401, -2015, "Invalid API-key, IP, or permissions for action."),
  badSymbol: e(400, -1121, "Invalid symbol."),
  duplicateOrder: e(400, -2010, "Duplicate order sent."),
  insufficientBalance: e(400, -2010, "Account has insufficient balance for requested action."),
  wouldTake: e(400, -2010, "Order would immediately match and take."),
  unknownOrderCancel: e(400, -2011, "Unknown order sent."),
  cancelRestricted: e(400, -2011, "Order was not canceled due to cancel restrictions."),
  noSuchOrder: e(400, -2013, "Order does not exist."),
  clientIdMismatch: e(400, -2039, "Client order ID is not correct for this order ID."),
  emptyClientId: e(400, -1118, "New client order ID was empty."),
  // errors.md, not quoted in our doc:
  badSide: e(400, -1117, "Invalid side."),
  badType: e(400, -1116, "Invalid orderType."),
  badTimeInForce: e(400, -1115, "Invalid timeInForce."),
} as const;

/** -1013 for a violated exchangeInfo filter. */
export function filterFailure(filter: string): VenueError {
  return e(400, -1013, `Filter failure: ${filter}`);
}

/** -1102: a mandatory parameter missing, empty or malformed. */
export function mandatory(param: string): VenueError {
  return e(400, -1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`);
}

/** -1100: a value outside the parameter's legal characters. */
export function illegalChars(param: string, legal: string): VenueError {
  return e(400, -1100, `Illegal characters found in parameter '${param}'; legal range is '${legal}'.`);
}

/** -1106 (errors.md, not quoted in our doc): a parameter this order type does not take. */
export function notRequired(param: string): VenueError {
  return e(400, -1106, `Parameter '${param}' sent when not required.`);
}

/** -1111 (errors.md wording, not quoted in our doc): more decimals than the asset allows. */
export function tooPrecise(param: string): VenueError {
  return e(400, -1111, `Parameter '${param}' has too much precision.`);
}

/** The JSON body Binance sends with an error. */
export function errorBody(err: VenueError): { code: number; msg: string } {
  return { code: err.code, msg: err.msg };
}

export function isVenueError(x: unknown): x is VenueError {
  return typeof x === "object" && x !== null && "code" in x && "msg" in x && "http" in x;
}
