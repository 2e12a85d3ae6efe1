'use strict';
/**
 * The release only live traffic can catch: version 4.0.0 of hello-function greets in the caller's
 * language (`event.lang`), with a planted, realistic bug: only English made it into the table, so an
 * event asking for any other language throws. The release's probes send no `lang` and pass.
 * `scf-release demo` releases it with a metrics gate (examples/gated-release.yaml) while live traffic
 * runs through the alias: Cloud Monitor counts the canary's errors and the gate rolls the alias back.
 */
const VERSION = '4.0.0';

const GREETINGS = {
  en: 'hello',
  // The bug: fr, de, ... were never added.
};

exports.main_handler = async (event, context) => {
  const lang = event && typeof event.lang === 'string' ? event.lang : 'en';
  const greeting = GREETINGS[lang];
  if (!greeting) throw new Error(`no greeting for language ${lang}`);
  const name = event && typeof event.name === 'string' ? event.name : 'world';
  return {
    message: `${greeting} ${name}`,
    version: VERSION,
    region: process.env.TENCENTCLOUD_REGION || (context && context.tencentcloud_region) || 'unknown',
  };
};
