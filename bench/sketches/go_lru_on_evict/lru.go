// Package lru provides a size-bounded least-recently-used cache that is
// safe for concurrent use.
package lru

import (
	"container/list"
	"errors"
	"sync"
	"time"
)

// ErrInvalidCapacity is returned by New for capacities below one.
var ErrInvalidCapacity = errors.New("lru: capacity must be at least 1")

type entry[K comparable, V any] struct {
	key     K
	value   V
	expires time.Time
}

// Stats counts cache hits, misses and evictions.
type Stats struct {
	Hits      uint64
	Misses    uint64
	Evictions uint64
}

// Cache is an LRU cache with optional per-entry expiry.
type Cache[K comparable, V any] struct {
	mu       sync.Mutex
	capacity int
	ttl      time.Duration
	order    *list.List
	items    map[K]*list.Element
	stats    Stats
	now      func() time.Time
}

// New creates a cache holding at most capacity entries. A zero ttl means
// entries never expire.
func New[K comparable, V any](capacity int, ttl time.Duration) (*Cache[K, V], error) {
	if capacity < 1 {
		return nil, ErrInvalidCapacity
	}
	return &Cache[K, V]{
		capacity: capacity,
		ttl:      ttl,
		order:    list.New(),
		items:    make(map[K]*list.Element, capacity),
		now:      time.Now,
	}, nil
}

func (c *Cache[K, V]) expired(e *entry[K, V]) bool {
	return c.ttl > 0 && c.now().After(e.expires)
}

// Get returns the value for key and marks it as recently used.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero V
	el, ok := c.items[key]
	if !ok {
		c.stats.Misses++
		return zero, false
	}
	e := el.Value.(*entry[K, V])
	if c.expired(e) {
		c.removeElement(el)
		c.stats.Misses++
		return zero, false
	}
	c.order.MoveToFront(el)
	c.stats.Hits++
	return e.value, true
}

// Put inserts or replaces the value for key.
func (c *Cache[K, V]) Put(key K, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	expires := time.Time{}
	if c.ttl > 0 {
		expires = c.now().Add(c.ttl)
	}
	if el, ok := c.items[key]; ok {
		e := el.Value.(*entry[K, V])
		e.value = value
		e.expires = expires
		c.order.MoveToFront(el)
		return
	}
	el := c.order.PushFront(&entry[K, V]{key: key, value: value, expires: expires})
	c.items[key] = el
	for c.order.Len() > c.capacity {
		c.removeOldest()
	}
}

// Delete removes key and reports whether it was present.
func (c *Cache[K, V]) Delete(key K) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return false
	}
	c.removeElement(el)
	return true
}

// Len returns the number of entries, including expired ones not yet purged.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// Purge drops every expired entry and returns how many were removed.
func (c *Cache[K, V]) Purge() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	removed := 0
	for el := c.order.Back(); el != nil; {
		prev := el.Prev()
		if c.expired(el.Value.(*entry[K, V])) {
			c.removeElement(el)
			removed++
		}
		el = prev
	}
	return removed
}

// Stats returns a copy of the hit/miss counters.
func (c *Cache[K, V]) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Keys returns the keys from most to least recently used.
func (c *Cache[K, V]) Keys() []K {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]K, 0, c.order.Len())
	for el := c.order.Front(); el != nil; el = el.Next() {
		keys = append(keys, el.Value.(*entry[K, V]).key)
	}
	return keys
}

func (c *Cache[K, V]) removeOldest() {
	el := c.order.Back()
	if el == nil {
		return
	}
	c.removeElement(el)
	c.stats.Evictions++
}

func (c *Cache[K, V]) removeElement(el *list.Element) {
	c.order.Remove(el)
	e := el.Value.(*entry[K, V])
	delete(c.items, e.key)
}
