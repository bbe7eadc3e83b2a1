// Package router implements a small HTTP router with path parameters,
// middleware chains and JSON helpers, plus the handlers of the shop API.
package router

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	DefaultTimeout     = 30 * time.Second
	MaxBodyBytes       = 1 << 20
	DefaultPageSize    = 50
	MaxPageSize        = 500
	paramPrefix        = ':'
	wildcardPrefix     = '*'
	contentTypeJSON    = "application/json; charset=utf-8"
	headerRequestID    = "X-Request-Id"
	headerAllowMethods = "Allow"
)

var (
	ErrNotFound      = errors.New("not found")
	ErrBadRequest    = errors.New("bad request")
	ErrConflict      = errors.New("conflict")
	ErrRouteConflict = errors.New("route conflicts with an existing route")
)

type ctxKey int

const paramsKey ctxKey = iota

// Params holds the values of the path parameters of a matched route.
type Params map[string]string

// Middleware wraps a handler with additional behaviour.
type Middleware func(http.Handler) http.Handler

type node struct {
	segment  string
	param    string
	wildcard bool
	children []*node
	handlers map[string]http.Handler
}

// Router dispatches requests to handlers registered per method and path.
type Router struct {
	mu          sync.RWMutex
	root        *node
	middlewares []Middleware
	NotFound    http.Handler
	Timeout     time.Duration
}

// New returns an empty router with the default timeout.
func New() *Router {
	return &Router{
		root:     &node{},
		NotFound: http.HandlerFunc(notFound),
		Timeout:  DefaultTimeout,
	}
}

// Use appends middleware that runs for every route.
func (r *Router) Use(mw ...Middleware) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.middlewares = append(r.middlewares, mw...)
}

func splitPath(path string) []string {
	path = strings.Trim(path, "/")
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

// Handle registers a handler for a method and a path pattern such as
// "/users/:id" or "/static/*file".
func (r *Router) Handle(method, pattern string, h http.Handler) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.root
	for _, seg := range splitPath(pattern) {
		child, err := n.child(seg)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, pattern, err)
		}
		n = child
	}
	if n.handlers == nil {
		n.handlers = make(map[string]http.Handler)
	}
	if _, exists := n.handlers[method]; exists {
		return fmt.Errorf("%s %s: %w", method, pattern, ErrRouteConflict)
	}
	n.handlers[method] = h
	return nil
}

// HandleFunc is Handle for plain functions.
func (r *Router) HandleFunc(method, pattern string, f func(http.ResponseWriter, *http.Request)) error {
	return r.Handle(method, pattern, http.HandlerFunc(f))
}

func (n *node) child(seg string) (*node, error) {
	var param string
	wildcard := false
	switch seg[0] {
	case paramPrefix:
		param = seg[1:]
	case wildcardPrefix:
		param = seg[1:]
		wildcard = true
	}
	for _, c := range n.children {
		if c.segment == seg {
			return c, nil
		}
		if param != "" && c.param != "" && c.param != param {
			return nil, ErrRouteConflict
		}
	}
	c := &node{segment: seg, param: param, wildcard: wildcard}
	n.children = append(n.children, c)
	sort.SliceStable(n.children, func(i, j int) bool {
		return n.children[i].param == "" && n.children[j].param != ""
	})
	return c, nil
}

// match walks the tree and collects parameter values along the way.
func (r *Router) match(path string) (*node, Params) {
	segments := splitPath(path)
	params := Params{}
	n := r.root
	for i := 0; i < len(segments); i++ {
		seg := segments[i]
		var next *node
		for _, c := range n.children {
			if c.wildcard {
				params[c.param] = strings.Join(segments[i:], "/")
				return c, params
			}
			if c.param != "" {
				params[c.param] = seg
				next = c
				break
			}
			if c.segment == seg {
				next = c
				break
			}
		}
		if next == nil {
			return nil, nil
		}
		n = next
	}
	if len(params) == 0 {
		params = nil
	}
	return n, params
}

// ServeHTTP implements http.Handler.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.RLock()
	n, params := r.match(req.URL.Path)
	chain := r.middlewares
	r.mu.RUnlock()

	var h http.Handler
	switch {
	case n == nil || len(n.handlers) == 0:
		h = r.NotFound
	case n.handlers[req.Method] != nil:
		h = n.handlers[req.Method]
	default:
		h = methodNotAllowed(n.handlers)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		h = chain[i](h)
	}
	ctx, cancel := context.WithTimeout(req.Context(), r.Timeout)
	defer cancel()
	ctx = context.WithValue(ctx, paramsKey, params)
	h.ServeHTTP(w, req.WithContext(ctx))
}

// PathParam returns the value of a named path parameter.
func PathParam(req *http.Request, name string) string {
	params, _ := req.Context().Value(paramsKey).(Params)
	return params[name]
}

func methodNotAllowed(handlers map[string]http.Handler) http.Handler {
	methods := make([]string, 0, len(handlers))
	for m := range handlers {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	allow := strings.Join(methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set(headerAllowMethods, allow)
		writeError(w, http.StatusMethodNotAllowed, "method not allowed")
	})
}

func notFound(w http.ResponseWriter, req *http.Request) {
	writeError(w, http.StatusNotFound, "no route for "+req.URL.Path)
}

// Logging logs method, path, status and duration of every request.
func Logging(logger *log.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(rec, req)
			logger.Printf("%s %s %d %s", req.Method, req.URL.Path, rec.status, time.Since(start))
		})
	}
}

// Recover turns panics into 500 responses.
func Recover(logger *log.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					logger.Printf("panic serving %s: %v", req.URL.Path, v)
					writeError(w, http.StatusInternalServerError, "internal error")
				}
			}()
			next.ServeHTTP(w, req)
		})
	}
}

// RequestID makes sure every request carries an id header.
func RequestID(next http.Handler) http.Handler {
	var counter uint64
	var mu sync.Mutex
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		id := req.Header.Get(headerRequestID)
		if id == "" {
			mu.Lock()
			counter++
			id = strconv.FormatUint(counter, 10)
			mu.Unlock()
			req.Header.Set(headerRequestID, id)
		}
		w.Header().Set(headerRequestID, id)
		next.ServeHTTP(w, req)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Printf("writeJSON: %v", err)
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func decodeJSON(req *http.Request, v interface{}) error {
	body := http.MaxBytesReader(nil, req.Body, MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	return nil
}

// page reads the limit and offset query parameters.
func page(req *http.Request) (limit, offset int, err error) {
	q := req.URL.Query()
	limit = DefaultPageSize
	if s := q.Get("limit"); s != "" {
		limit, err = strconv.Atoi(s)
		if err != nil || limit <= 0 {
			return 0, 0, fmt.Errorf("%w: invalid limit %q", ErrBadRequest, s)
		}
		if limit > MaxPageSize {
			limit = MaxPageSize
		}
	}
	if s := q.Get("offset"); s != "" {
		offset, err = strconv.Atoi(s)
		if err != nil || offset < 0 {
			return 0, 0, fmt.Errorf("%w: invalid offset %q", ErrBadRequest, s)
		}
	}
	return limit, offset, nil
}

func statusFor(err error) int {
	switch {
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	default:
		return http.StatusInternalServerError
	}
}

// User is the API representation of a user record.
type User struct {
	ID        int       `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Admin     bool      `json:"admin"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (v *User) validate() error {
	if strings.TrimSpace(v.Name) == "" {
		return fmt.Errorf("%w: name is required", ErrBadRequest)
	}
	if strings.TrimSpace(v.Email) == "" {
		return fmt.Errorf("%w: email is required", ErrBadRequest)
	}
	if !strings.Contains(v.Email, "@") {
		return fmt.Errorf("%w: email is invalid", ErrBadRequest)
	}
	return nil
}

type userStore struct {
	mu     sync.RWMutex
	nextID int
	items  map[int]*User
}

func newUserStore() *userStore {
	return &userStore{nextID: 1, items: make(map[int]*User)}
}

func (s *userStore) list(limit, offset int) []*User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int, 0, len(s.items))
	for id := range s.items {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := []*User{}
	for i := offset; i < len(ids) && len(out) < limit; i++ {
		out = append(out, s.items[ids[i]])
	}
	return out
}

func (s *userStore) get(id int) (*User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.items[id]
	if !ok {
		return nil, fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	return v, nil
}

func (s *userStore) save(v *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	if v.ID == 0 {
		v.ID = s.nextID
		s.nextID++
		v.CreatedAt = now
	}
	v.UpdatedAt = now
	s.items[v.ID] = v
}

func (s *userStore) delete(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	delete(s.items, id)
	return nil
}

// registerUserRoutes wires the /users endpoints to the router.
func registerUserRoutes(r *Router, s *userStore) {
	r.HandleFunc(http.MethodGet, "/users", func(w http.ResponseWriter, req *http.Request) {
		limit, offset, err := page(req)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, s.list(limit, offset))
	})
	r.HandleFunc(http.MethodGet, "/users/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		v, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
	r.HandleFunc(http.MethodPost, "/users", func(w http.ResponseWriter, req *http.Request) {
		var v User
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = 0
		s.save(&v)
		writeJSON(w, http.StatusCreated, &v)
	})
	r.HandleFunc(http.MethodPut, "/users/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		old, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		var v User
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = old.ID
		v.CreatedAt = old.CreatedAt
		s.save(&v)
		writeJSON(w, http.StatusOK, &v)
	})
	r.HandleFunc(http.MethodDelete, "/users/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		if err := s.delete(id); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// Product is the API representation of a product record.
type Product struct {
	ID         int       `json:"id"`
	Title      string    `json:"title"`
	PriceCents int       `json:"price_cents"`
	Stock      int       `json:"stock"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func (v *Product) validate() error {
	if strings.TrimSpace(v.Title) == "" {
		return fmt.Errorf("%w: title is required", ErrBadRequest)
	}
	if v.PriceCents < 0 {
		return fmt.Errorf("%w: price_cents must not be negative", ErrBadRequest)
	}
	if v.Stock < 0 {
		return fmt.Errorf("%w: stock must not be negative", ErrBadRequest)
	}
	return nil
}

type productStore struct {
	mu     sync.RWMutex
	nextID int
	items  map[int]*Product
}

func newProductStore() *productStore {
	return &productStore{nextID: 1, items: make(map[int]*Product)}
}

func (s *productStore) list(limit, offset int) []*Product {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int, 0, len(s.items))
	for id := range s.items {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := []*Product{}
	for i := offset; i < len(ids) && len(out) < limit; i++ {
		out = append(out, s.items[ids[i]])
	}
	return out
}

func (s *productStore) get(id int) (*Product, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.items[id]
	if !ok {
		return nil, fmt.Errorf("product %d: %w", id, ErrNotFound)
	}
	return v, nil
}

func (s *productStore) save(v *Product) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	if v.ID == 0 {
		v.ID = s.nextID
		s.nextID++
		v.CreatedAt = now
	}
	v.UpdatedAt = now
	s.items[v.ID] = v
}

func (s *productStore) delete(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return fmt.Errorf("product %d: %w", id, ErrNotFound)
	}
	delete(s.items, id)
	return nil
}

// registerProductRoutes wires the /products endpoints to the router.
func registerProductRoutes(r *Router, s *productStore) {
	r.HandleFunc(http.MethodGet, "/products", func(w http.ResponseWriter, req *http.Request) {
		limit, offset, err := page(req)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, s.list(limit, offset))
	})
	r.HandleFunc(http.MethodGet, "/products/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		v, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
	r.HandleFunc(http.MethodPost, "/products", func(w http.ResponseWriter, req *http.Request) {
		var v Product
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = 0
		s.save(&v)
		writeJSON(w, http.StatusCreated, &v)
	})
	r.HandleFunc(http.MethodPut, "/products/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		old, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		var v Product
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = old.ID
		v.CreatedAt = old.CreatedAt
		s.save(&v)
		writeJSON(w, http.StatusOK, &v)
	})
	r.HandleFunc(http.MethodDelete, "/products/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		if err := s.delete(id); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// Order is the API representation of a order record.
type Order struct {
	ID         int       `json:"id"`
	UserID     int       `json:"user_id"`
	TotalCents int       `json:"total_cents"`
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func (v *Order) validate() error {
	if v.UserID < 0 {
		return fmt.Errorf("%w: user_id must not be negative", ErrBadRequest)
	}
	if v.TotalCents < 0 {
		return fmt.Errorf("%w: total_cents must not be negative", ErrBadRequest)
	}
	if strings.TrimSpace(v.Status) == "" {
		return fmt.Errorf("%w: status is required", ErrBadRequest)
	}
	return nil
}

type orderStore struct {
	mu     sync.RWMutex
	nextID int
	items  map[int]*Order
}

func newOrderStore() *orderStore {
	return &orderStore{nextID: 1, items: make(map[int]*Order)}
}

func (s *orderStore) list(limit, offset int) []*Order {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int, 0, len(s.items))
	for id := range s.items {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := []*Order{}
	for i := offset; i < len(ids) && len(out) < limit; i++ {
		out = append(out, s.items[ids[i]])
	}
	return out
}

func (s *orderStore) get(id int) (*Order, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.items[id]
	if !ok {
		return nil, fmt.Errorf("order %d: %w", id, ErrNotFound)
	}
	return v, nil
}

func (s *orderStore) save(v *Order) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	if v.ID == 0 {
		v.ID = s.nextID
		s.nextID++
		v.CreatedAt = now
	}
	v.UpdatedAt = now
	s.items[v.ID] = v
}

func (s *orderStore) delete(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return fmt.Errorf("order %d: %w", id, ErrNotFound)
	}
	delete(s.items, id)
	return nil
}

// registerOrderRoutes wires the /orders endpoints to the router.
func registerOrderRoutes(r *Router, s *orderStore) {
	r.HandleFunc(http.MethodGet, "/orders", func(w http.ResponseWriter, req *http.Request) {
		limit, offset, err := page(req)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, s.list(limit, offset))
	})
	r.HandleFunc(http.MethodGet, "/orders/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		v, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
	r.HandleFunc(http.MethodPost, "/orders", func(w http.ResponseWriter, req *http.Request) {
		var v Order
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = 0
		s.save(&v)
		writeJSON(w, http.StatusCreated, &v)
	})
	r.HandleFunc(http.MethodPut, "/orders/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		old, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		var v Order
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = old.ID
		v.CreatedAt = old.CreatedAt
		s.save(&v)
		writeJSON(w, http.StatusOK, &v)
	})
	r.HandleFunc(http.MethodDelete, "/orders/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		if err := s.delete(id); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// Invoice is the API representation of a invoice record.
type Invoice struct {
	ID          int       `json:"id"`
	OrderID     int       `json:"order_id"`
	AmountCents int       `json:"amount_cents"`
	Paid        bool      `json:"paid"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func (v *Invoice) validate() error {
	if v.OrderID < 0 {
		return fmt.Errorf("%w: order_id must not be negative", ErrBadRequest)
	}
	if v.AmountCents < 0 {
		return fmt.Errorf("%w: amount_cents must not be negative", ErrBadRequest)
	}
	return nil
}

type invoiceStore struct {
	mu     sync.RWMutex
	nextID int
	items  map[int]*Invoice
}

func newInvoiceStore() *invoiceStore {
	return &invoiceStore{nextID: 1, items: make(map[int]*Invoice)}
}

func (s *invoiceStore) list(limit, offset int) []*Invoice {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int, 0, len(s.items))
	for id := range s.items {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := []*Invoice{}
	for i := offset; i < len(ids) && len(out) < limit; i++ {
		out = append(out, s.items[ids[i]])
	}
	return out
}

func (s *invoiceStore) get(id int) (*Invoice, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.items[id]
	if !ok {
		return nil, fmt.Errorf("invoice %d: %w", id, ErrNotFound)
	}
	return v, nil
}

func (s *invoiceStore) save(v *Invoice) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	if v.ID == 0 {
		v.ID = s.nextID
		s.nextID++
		v.CreatedAt = now
	}
	v.UpdatedAt = now
	s.items[v.ID] = v
}

func (s *invoiceStore) delete(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return fmt.Errorf("invoice %d: %w", id, ErrNotFound)
	}
	delete(s.items, id)
	return nil
}

// registerInvoiceRoutes wires the /invoices endpoints to the router.
func registerInvoiceRoutes(r *Router, s *invoiceStore) {
	r.HandleFunc(http.MethodGet, "/invoices", func(w http.ResponseWriter, req *http.Request) {
		limit, offset, err := page(req)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, s.list(limit, offset))
	})
	r.HandleFunc(http.MethodGet, "/invoices/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		v, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
	r.HandleFunc(http.MethodPost, "/invoices", func(w http.ResponseWriter, req *http.Request) {
		var v Invoice
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = 0
		s.save(&v)
		writeJSON(w, http.StatusCreated, &v)
	})
	r.HandleFunc(http.MethodPut, "/invoices/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		old, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		var v Invoice
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = old.ID
		v.CreatedAt = old.CreatedAt
		s.save(&v)
		writeJSON(w, http.StatusOK, &v)
	})
	r.HandleFunc(http.MethodDelete, "/invoices/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		if err := s.delete(id); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// Category is the API representation of a category record.
type Category struct {
	ID        int       `json:"id"`
	Name      string    `json:"name"`
	ParentID  int       `json:"parent_id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (v *Category) validate() error {
	if strings.TrimSpace(v.Name) == "" {
		return fmt.Errorf("%w: name is required", ErrBadRequest)
	}
	if v.ParentID < 0 {
		return fmt.Errorf("%w: parent_id must not be negative", ErrBadRequest)
	}
	return nil
}

type categoryStore struct {
	mu     sync.RWMutex
	nextID int
	items  map[int]*Category
}

func newCategoryStore() *categoryStore {
	return &categoryStore{nextID: 1, items: make(map[int]*Category)}
}

func (s *categoryStore) list(limit, offset int) []*Category {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int, 0, len(s.items))
	for id := range s.items {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := []*Category{}
	for i := offset; i < len(ids) && len(out) < limit; i++ {
		out = append(out, s.items[ids[i]])
	}
	return out
}

func (s *categoryStore) get(id int) (*Category, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.items[id]
	if !ok {
		return nil, fmt.Errorf("category %d: %w", id, ErrNotFound)
	}
	return v, nil
}

func (s *categoryStore) save(v *Category) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	if v.ID == 0 {
		v.ID = s.nextID
		s.nextID++
		v.CreatedAt = now
	}
	v.UpdatedAt = now
	s.items[v.ID] = v
}

func (s *categoryStore) delete(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return fmt.Errorf("category %d: %w", id, ErrNotFound)
	}
	delete(s.items, id)
	return nil
}

// registerCategoryRoutes wires the /categories endpoints to the router.
func registerCategoryRoutes(r *Router, s *categoryStore) {
	r.HandleFunc(http.MethodGet, "/categories", func(w http.ResponseWriter, req *http.Request) {
		limit, offset, err := page(req)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, s.list(limit, offset))
	})
	r.HandleFunc(http.MethodGet, "/categories/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		v, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
	r.HandleFunc(http.MethodPost, "/categories", func(w http.ResponseWriter, req *http.Request) {
		var v Category
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = 0
		s.save(&v)
		writeJSON(w, http.StatusCreated, &v)
	})
	r.HandleFunc(http.MethodPut, "/categories/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		old, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		var v Category
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = old.ID
		v.CreatedAt = old.CreatedAt
		s.save(&v)
		writeJSON(w, http.StatusOK, &v)
	})
	r.HandleFunc(http.MethodDelete, "/categories/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		if err := s.delete(id); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// Review is the API representation of a review record.
type Review struct {
	ID        int       `json:"id"`
	ProductID int       `json:"product_id"`
	Rating    int       `json:"rating"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (v *Review) validate() error {
	if v.ProductID < 0 {
		return fmt.Errorf("%w: product_id must not be negative", ErrBadRequest)
	}
	if v.Rating < 0 {
		return fmt.Errorf("%w: rating must not be negative", ErrBadRequest)
	}
	if strings.TrimSpace(v.Body) == "" {
		return fmt.Errorf("%w: body is required", ErrBadRequest)
	}
	if v.Rating < 1 || v.Rating > 5 {
		return fmt.Errorf("%w: rating must be between 1 and 5", ErrBadRequest)
	}
	return nil
}

type reviewStore struct {
	mu     sync.RWMutex
	nextID int
	items  map[int]*Review
}

func newReviewStore() *reviewStore {
	return &reviewStore{nextID: 1, items: make(map[int]*Review)}
}

func (s *reviewStore) list(limit, offset int) []*Review {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int, 0, len(s.items))
	for id := range s.items {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := []*Review{}
	for i := offset; i < len(ids) && len(out) < limit; i++ {
		out = append(out, s.items[ids[i]])
	}
	return out
}

func (s *reviewStore) get(id int) (*Review, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.items[id]
	if !ok {
		return nil, fmt.Errorf("review %d: %w", id, ErrNotFound)
	}
	return v, nil
}

func (s *reviewStore) save(v *Review) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	if v.ID == 0 {
		v.ID = s.nextID
		s.nextID++
		v.CreatedAt = now
	}
	v.UpdatedAt = now
	s.items[v.ID] = v
}

func (s *reviewStore) delete(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return fmt.Errorf("review %d: %w", id, ErrNotFound)
	}
	delete(s.items, id)
	return nil
}

// registerReviewRoutes wires the /reviews endpoints to the router.
func registerReviewRoutes(r *Router, s *reviewStore) {
	r.HandleFunc(http.MethodGet, "/reviews", func(w http.ResponseWriter, req *http.Request) {
		limit, offset, err := page(req)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, s.list(limit, offset))
	})
	r.HandleFunc(http.MethodGet, "/reviews/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		v, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
	r.HandleFunc(http.MethodPost, "/reviews", func(w http.ResponseWriter, req *http.Request) {
		var v Review
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = 0
		s.save(&v)
		writeJSON(w, http.StatusCreated, &v)
	})
	r.HandleFunc(http.MethodPut, "/reviews/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		old, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		var v Review
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = old.ID
		v.CreatedAt = old.CreatedAt
		s.save(&v)
		writeJSON(w, http.StatusOK, &v)
	})
	r.HandleFunc(http.MethodDelete, "/reviews/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		if err := s.delete(id); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// Coupon is the API representation of a coupon record.
type Coupon struct {
	ID         int       `json:"id"`
	Code       string    `json:"code"`
	PercentOff int       `json:"percent_off"`
	Active     bool      `json:"active"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func (v *Coupon) validate() error {
	if strings.TrimSpace(v.Code) == "" {
		return fmt.Errorf("%w: code is required", ErrBadRequest)
	}
	if v.PercentOff < 0 {
		return fmt.Errorf("%w: percent_off must not be negative", ErrBadRequest)
	}
	if v.PercentOff > 100 {
		return fmt.Errorf("%w: percent_off must be at most 100", ErrBadRequest)
	}
	return nil
}

type couponStore struct {
	mu     sync.RWMutex
	nextID int
	items  map[int]*Coupon
}

func newCouponStore() *couponStore {
	return &couponStore{nextID: 1, items: make(map[int]*Coupon)}
}

func (s *couponStore) list(limit, offset int) []*Coupon {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int, 0, len(s.items))
	for id := range s.items {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := []*Coupon{}
	for i := offset; i < len(ids) && len(out) < limit; i++ {
		out = append(out, s.items[ids[i]])
	}
	return out
}

func (s *couponStore) get(id int) (*Coupon, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.items[id]
	if !ok {
		return nil, fmt.Errorf("coupon %d: %w", id, ErrNotFound)
	}
	return v, nil
}

func (s *couponStore) save(v *Coupon) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	if v.ID == 0 {
		v.ID = s.nextID
		s.nextID++
		v.CreatedAt = now
	}
	v.UpdatedAt = now
	s.items[v.ID] = v
}

func (s *couponStore) delete(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return fmt.Errorf("coupon %d: %w", id, ErrNotFound)
	}
	delete(s.items, id)
	return nil
}

// registerCouponRoutes wires the /coupons endpoints to the router.
func registerCouponRoutes(r *Router, s *couponStore) {
	r.HandleFunc(http.MethodGet, "/coupons", func(w http.ResponseWriter, req *http.Request) {
		limit, offset, err := page(req)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, s.list(limit, offset))
	})
	r.HandleFunc(http.MethodGet, "/coupons/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		v, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
	r.HandleFunc(http.MethodPost, "/coupons", func(w http.ResponseWriter, req *http.Request) {
		var v Coupon
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = 0
		s.save(&v)
		writeJSON(w, http.StatusCreated, &v)
	})
	r.HandleFunc(http.MethodPut, "/coupons/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		old, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		var v Coupon
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = old.ID
		v.CreatedAt = old.CreatedAt
		s.save(&v)
		writeJSON(w, http.StatusOK, &v)
	})
	r.HandleFunc(http.MethodDelete, "/coupons/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		if err := s.delete(id); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// Address is the API representation of a address record.
type Address struct {
	ID        int       `json:"id"`
	UserID    int       `json:"user_id"`
	Street    string    `json:"street"`
	City      string    `json:"city"`
	Zip       string    `json:"zip"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (v *Address) validate() error {
	if v.UserID < 0 {
		return fmt.Errorf("%w: user_id must not be negative", ErrBadRequest)
	}
	if strings.TrimSpace(v.Street) == "" {
		return fmt.Errorf("%w: street is required", ErrBadRequest)
	}
	if strings.TrimSpace(v.City) == "" {
		return fmt.Errorf("%w: city is required", ErrBadRequest)
	}
	if strings.TrimSpace(v.Zip) == "" {
		return fmt.Errorf("%w: zip is required", ErrBadRequest)
	}
	return nil
}

type addressStore struct {
	mu     sync.RWMutex
	nextID int
	items  map[int]*Address
}

func newAddressStore() *addressStore {
	return &addressStore{nextID: 1, items: make(map[int]*Address)}
}

func (s *addressStore) list(limit, offset int) []*Address {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int, 0, len(s.items))
	for id := range s.items {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := []*Address{}
	for i := offset; i < len(ids) && len(out) < limit; i++ {
		out = append(out, s.items[ids[i]])
	}
	return out
}

func (s *addressStore) get(id int) (*Address, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.items[id]
	if !ok {
		return nil, fmt.Errorf("address %d: %w", id, ErrNotFound)
	}
	return v, nil
}

func (s *addressStore) save(v *Address) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	if v.ID == 0 {
		v.ID = s.nextID
		s.nextID++
		v.CreatedAt = now
	}
	v.UpdatedAt = now
	s.items[v.ID] = v
}

func (s *addressStore) delete(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return fmt.Errorf("address %d: %w", id, ErrNotFound)
	}
	delete(s.items, id)
	return nil
}

// registerAddressRoutes wires the /addresses endpoints to the router.
func registerAddressRoutes(r *Router, s *addressStore) {
	r.HandleFunc(http.MethodGet, "/addresses", func(w http.ResponseWriter, req *http.Request) {
		limit, offset, err := page(req)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, s.list(limit, offset))
	})
	r.HandleFunc(http.MethodGet, "/addresses/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		v, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
	r.HandleFunc(http.MethodPost, "/addresses", func(w http.ResponseWriter, req *http.Request) {
		var v Address
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = 0
		s.save(&v)
		writeJSON(w, http.StatusCreated, &v)
	})
	r.HandleFunc(http.MethodPut, "/addresses/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		old, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		var v Address
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = old.ID
		v.CreatedAt = old.CreatedAt
		s.save(&v)
		writeJSON(w, http.StatusOK, &v)
	})
	r.HandleFunc(http.MethodDelete, "/addresses/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		if err := s.delete(id); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// Warehouse is the API representation of a warehouse record.
type Warehouse struct {
	ID        int       `json:"id"`
	Name      string    `json:"name"`
	City      string    `json:"city"`
	Capacity  int       `json:"capacity"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (v *Warehouse) validate() error {
	if strings.TrimSpace(v.Name) == "" {
		return fmt.Errorf("%w: name is required", ErrBadRequest)
	}
	if strings.TrimSpace(v.City) == "" {
		return fmt.Errorf("%w: city is required", ErrBadRequest)
	}
	if v.Capacity < 0 {
		return fmt.Errorf("%w: capacity must not be negative", ErrBadRequest)
	}
	return nil
}

type warehouseStore struct {
	mu     sync.RWMutex
	nextID int
	items  map[int]*Warehouse
}

func newWarehouseStore() *warehouseStore {
	return &warehouseStore{nextID: 1, items: make(map[int]*Warehouse)}
}

func (s *warehouseStore) list(limit, offset int) []*Warehouse {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int, 0, len(s.items))
	for id := range s.items {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := []*Warehouse{}
	for i := offset; i < len(ids) && len(out) < limit; i++ {
		out = append(out, s.items[ids[i]])
	}
	return out
}

func (s *warehouseStore) get(id int) (*Warehouse, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.items[id]
	if !ok {
		return nil, fmt.Errorf("warehouse %d: %w", id, ErrNotFound)
	}
	return v, nil
}

func (s *warehouseStore) save(v *Warehouse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	if v.ID == 0 {
		v.ID = s.nextID
		s.nextID++
		v.CreatedAt = now
	}
	v.UpdatedAt = now
	s.items[v.ID] = v
}

func (s *warehouseStore) delete(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return fmt.Errorf("warehouse %d: %w", id, ErrNotFound)
	}
	delete(s.items, id)
	return nil
}

// registerWarehouseRoutes wires the /warehouses endpoints to the router.
func registerWarehouseRoutes(r *Router, s *warehouseStore) {
	r.HandleFunc(http.MethodGet, "/warehouses", func(w http.ResponseWriter, req *http.Request) {
		limit, offset, err := page(req)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, s.list(limit, offset))
	})
	r.HandleFunc(http.MethodGet, "/warehouses/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		v, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
	r.HandleFunc(http.MethodPost, "/warehouses", func(w http.ResponseWriter, req *http.Request) {
		var v Warehouse
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = 0
		s.save(&v)
		writeJSON(w, http.StatusCreated, &v)
	})
	r.HandleFunc(http.MethodPut, "/warehouses/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		old, err := s.get(id)
		if err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		var v Warehouse
		if err := decodeJSON(req, &v); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		if err := v.validate(); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		v.ID = old.ID
		v.CreatedAt = old.CreatedAt
		s.save(&v)
		writeJSON(w, http.StatusOK, &v)
	})
	r.HandleFunc(http.MethodDelete, "/warehouses/:id", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(PathParam(req, "id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid id")
			return
		}
		if err := s.delete(id); err != nil {
			writeError(w, statusFor(err), err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// NewShopAPI returns a router with every shop endpoint and the standard
// middleware installed.
func NewShopAPI(logger *log.Logger) *Router {
	r := New()
	r.Use(RequestID, Recover(logger), Logging(logger))
	registerUserRoutes(r, newUserStore())
	registerProductRoutes(r, newProductStore())
	registerOrderRoutes(r, newOrderStore())
	registerInvoiceRoutes(r, newInvoiceStore())
	registerCategoryRoutes(r, newCategoryStore())
	registerReviewRoutes(r, newReviewStore())
	registerCouponRoutes(r, newCouponStore())
	registerAddressRoutes(r, newAddressStore())
	registerWarehouseRoutes(r, newWarehouseStore())
	return r
}
