/** A COS XML API error: an HTTP status and the `<Error><Code>...` body COS sends. */
export class CosError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CosError';
  }
}

export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** The body COS answers an error with (Resource = the host and path, RequestId also in x-cos-request-id). */
export function errorXml(e: CosError, resource: string, requestId: string): string {
  return (
    `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n\t<Code>${xmlEscape(e.code)}</Code>\n\t<Message>${xmlEscape(e.message)}</Message>\n` +
    `\t<Resource>${xmlEscape(resource)}</Resource>\n\t<RequestId>${requestId}</RequestId>\n\t<TraceId>${Buffer.from(requestId).toString('base64')}</TraceId>\n</Error>`
  );
}
