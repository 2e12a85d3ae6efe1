'use strict';
/**
 * The release that must not ship: version 3.0.0 of hello-function with a planted, realistic bug.
 * Its greeting table was only filled in for the primary region, so it passes verification in
 * ap-guangzhou and throws everywhere else. `scf-release demo` releases it to show the rollback:
 * every region ends up back on the previous version.
 */
const VERSION = '3.0.0';

const GREETINGS = {
  'ap-guangzhou': 'hello',
  // The bug: ap-shanghai, ap-singapore, ... were never added.
};

exports.main_handler = async (event, context) => {
  const region = process.env.TENCENTCLOUD_REGION || (context && context.tencentcloud_region);
  const greeting = GREETINGS[region];
  if (!greeting) throw new Error(`no greeting configured for region ${region}`);
  const name = event && typeof event.name === 'string' ? event.name : 'world';
  return { message: `${greeting} ${name}`, version: VERSION, region };
};
