const (
	DefaultTimeout     = 60 * time.Second
	MaxBodyBytes       = 1 << 20
	DefaultPageSize    = 50
	MaxPageSize        = 1000
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
