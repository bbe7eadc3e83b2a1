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
	if len(v.Code) > 32 {
		return fmt.Errorf("%w: code must be at most 32 characters", ErrBadRequest)
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
