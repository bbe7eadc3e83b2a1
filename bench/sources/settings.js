'use strict';

// Layered settings for the build agent: built-in defaults, then the user's file, then
// SERVICE_* environment variables. Later layers win; a missing value keeps the earlier one.

const DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  workers: 2,
  logLevel: 'info',
  cacheDir: null,
});

const LEVELS = ['debug', 'info', 'warn', 'error'];

class SettingsError extends Error {
  constructor(key, message) {
    super(message);
    this.name = 'SettingsError';
    this.key = key;
  }
}

function pick(value, fallback) {
  if (value === null || value === undefined) {
    return fallback;
  }
  return value;
}

function parsePort(text) {
  const port = Number.parseInt(text, 10);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SettingsError('port', 'invalid port: ' + text);
  }
  return port;
}

function parseLevel(text) {
  const level = String(text).toLowerCase();
  if (!LEVELS.includes(level)) {
    throw new SettingsError('logLevel', `unknown log level ${text}; use one of ${LEVELS.join(', ')}`);
  }
  return level;
}

function fromEnv(env) {
  const out = {};
  if (env.SERVICE_HOST) out.host = env.SERVICE_HOST;
  if (env.SERVICE_PORT) out.port = parsePort(env.SERVICE_PORT);
  if (env.SERVICE_WORKERS) out.workers = Number(env.SERVICE_WORKERS);
  if (env.SERVICE_LOG_LEVEL) out.logLevel = parseLevel(env.SERVICE_LOG_LEVEL);
  return out;
}

function merge(file, env) {
  const fromFile = file || {};
  const overrides = fromEnv(env || {});
  const result = {};
  for (const key of Object.keys(DEFAULTS)) {
    result[key] = pick(overrides[key], pick(fromFile[key], DEFAULTS[key]));
  }
  if (result.workers < 1) {
    throw new SettingsError('workers', 'workers must be at least 1');
  }
  return result;
}

function describe(settings) {
  return 'listening on ' + settings.host + ':' + settings.port + ' with ' + settings.workers + ' workers';
}

module.exports = { DEFAULTS, SettingsError, merge, describe, parsePort };
