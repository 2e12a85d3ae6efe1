'use strict';
/**
 * A real Tencent Cloud SCF handler (Node.js runtime, handler `index.main_handler`). It answers
 * with a greeting, the code's version and the region it runs in, which is what the example
 * manifest's verification cases check. Deploy it as is: zip this directory's contents.
 */
const VERSION = '2.0.0';

exports.main_handler = async (event, context) => {
  const name = event && typeof event.name === 'string' ? event.name : 'world';
  return {
    message: `hello ${name}`,
    version: VERSION,
    region: process.env.TENCENTCLOUD_REGION || (context && context.tencentcloud_region) || 'unknown',
    requestId: context && context.request_id,
  };
};
