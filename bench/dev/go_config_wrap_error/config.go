package config

import (
	"encoding/json"
	"fmt"
	"os"
)

// Config is the service configuration read from a JSON file.
type Config struct {
	Listen  string `json:"listen"`
	Workers int    `json:"workers"`
	Debug   bool   `json:"debug"`
}

// Load reads and decodes the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cfg Config
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, err
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	return &cfg, nil
}

// Address is the listen address, or the default one.
func (c *Config) Address() string {
	if c.Listen == "" {
		return fmt.Sprintf(":%d", 8080)
	}
	return c.Listen
}
