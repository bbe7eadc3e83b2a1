// Package server holds the warehouse HTTP API and its in-memory store.
package server

import (
	"errors"
	"sort"
	"sync"
	"time"
)

// ErrNotFound is returned for an unknown SKU or reservation.
var ErrNotFound = errors.New("not found")

// ErrShortage is returned when a reservation asks for more than is available.
var ErrShortage = errors.New("not enough stock")

const holdDuration = 15 * time.Minute

type Reservation struct {
	ID       int
	SKU      string
	Location string
	Quantity int
	Expires  time.Time
}

type Store struct {
	mu           sync.Mutex
	levels       map[string]map[string]int
	reservations map[int]Reservation
	nextID       int
}

func NewStore() *Store {
	return &Store{
		levels:       make(map[string]map[string]int),
		reservations: make(map[int]Reservation),
		nextID:       1,
	}
}

func (s *Store) Receive(sku, location string, quantity int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.levels[sku] == nil {
		s.levels[sku] = make(map[string]int)
	}
	s.levels[sku][location] += quantity
	return s.levels[sku][location]
}

func (s *Store) held(sku, location string, now time.Time) int {
	total := 0
	for _, r := range s.reservations {
		if r.SKU == sku && r.Location == location && now.Before(r.Expires) {
			total += r.Quantity
		}
	}
	return total
}

func (s *Store) Available(sku, location string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.levels[sku][location] - s.held(sku, location, time.Now())
}

func (s *Store) Reserve(sku, location string, quantity int) (Reservation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.levels[sku]; !ok {
		return Reservation{}, ErrNotFound
	}
	now := time.Now()
	if s.levels[sku][location]-s.held(sku, location, now) < quantity {
		return Reservation{}, ErrShortage
	}
	r := Reservation{ID: s.nextID, SKU: sku, Location: location, Quantity: quantity, Expires: now.Add(holdDuration)}
	s.reservations[r.ID] = r
	s.nextID++
	return r, nil
}

func (s *Store) Cancel(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.reservations[id]; !ok {
		return ErrNotFound
	}
	delete(s.reservations, id)
	return nil
}

func (s *Store) Locations(sku string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for location, quantity := range s.levels[sku] {
		if quantity > 0 {
			out = append(out, location)
		}
	}
	sort.Strings(out)
	return out
}
