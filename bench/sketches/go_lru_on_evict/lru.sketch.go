// ... existing code ...
	stats    Stats
	now      func() time.Time
	onEvict  func(key K, value V)
}
// ... existing code ...
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

// OnEvict registers a function that is called with every entry evicted
// because the cache was full. It runs while the cache lock is held.
func (c *Cache[K, V]) OnEvict(fn func(key K, value V)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onEvict = fn
}

func (c *Cache[K, V]) removeOldest() {
	el := c.order.Back()
	if el == nil {
		return
	}
	c.removeElement(el)
	c.stats.Evictions++
	if c.onEvict != nil {
		e := el.Value.(*entry[K, V])
		c.onEvict(e.key, e.value)
	}
}
// ... existing code ...
