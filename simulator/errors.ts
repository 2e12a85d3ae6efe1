/** An API error as Tencent Cloud API 3.0 returns it: HTTP 200, `Response.Error.{Code,Message}`. */
export class ApiError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const Errors = {
  missingParameter: (name: string) => new ApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`),
  invalidParameterType: (name: string, expected: string) =>
    new ApiError('InvalidParameter', `The value type of parameter \`${name}\` is invalid, expected ${expected}.`),
  functionNotFound: (name: string) =>
    new ApiError('ResourceNotFound.Function', `The function ${name} does not exist, please check and try again.`),
  namespaceNotFound: (ns: string) => new ApiError('ResourceNotFound.Namespace', `Namespace ${ns} does not exist.`),
  versionNotFound: (fn: string, q: string) =>
    new ApiError('ResourceNotFound.Version', `Version ${q} of function ${fn} does not exist.`),
  functionStatus: (fn: string, status: string) =>
    new ApiError(
      'FailedOperation.FunctionStatusError',
      `Operation failed: function ${fn} is in status ${status}, please try again when it is Active.`,
    ),
};
