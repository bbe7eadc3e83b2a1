// ServeHTTP implements http.Handler.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.RLock()
	n, params := r.match(req.URL.Path)
	chain := r.middlewares
	r.mu.RUnlock()

	var handler http.Handler
	switch {
	case n == nil || len(n.handlers) == 0:
		handler = r.NotFound
	case n.handlers[req.Method] != nil:
		handler = n.handlers[req.Method]
	default:
		handler = methodNotAllowed(n.handlers)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		handler = chain[i](handler)
	}
	ctx, cancel := context.WithTimeout(req.Context(), r.Timeout)
	defer cancel()
	ctx = context.WithValue(ctx, paramsKey, params)
	handler.ServeHTTP(w, req.WithContext(ctx))
}
