function describe(settings) {
  return `listening on ${settings.host}:${settings.port} with ${settings.workers} workers`;
}
