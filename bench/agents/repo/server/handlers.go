package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

const maxBodyBytes = 1 << 16

type reserveRequest struct {
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Quantity int    `json:"quantity"`
}

type stockAnswer struct {
	SKU       string         `json:"sku"`
	Locations map[string]int `json:"locations"`
}

func writeJSON(w http.ResponseWriter, status int, value any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(value)
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"error": message})
}

func Routes(store *Store) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/stock/", func(w http.ResponseWriter, r *http.Request) {
		handleStock(store, w, r)
	})
	mux.HandleFunc("/api/v1/reservations", func(w http.ResponseWriter, r *http.Request) {
		handleReserve(store, w, r)
	})
	mux.HandleFunc("/api/v1/reservations/", func(w http.ResponseWriter, r *http.Request) {
		handleCancel(store, w, r)
	})
	return mux
}

func handleStock(store *Store, w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, "GET only")
		return
	}
	sku := strings.TrimPrefix(r.URL.Path, "/api/v1/stock/")
	answer := stockAnswer{SKU: sku, Locations: map[string]int{}}
	for _, location := range store.Locations(sku) {
		answer.Locations[location] = store.Available(sku, location)
	}
	writeJSON(w, http.StatusOK, answer)
}

func handleReserve(store *Store, w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "POST only")
		return
	}
	var req reserveRequest
	body := http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := json.NewDecoder(body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad JSON")
		return
	}
	if req.Quantity <= 0 {
		writeError(w, http.StatusBadRequest, "quantity must be positive")
		return
	}
	reservation, err := store.Reserve(req.SKU, req.Location, req.Quantity)
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "unknown sku")
	case errors.Is(err, ErrShortage):
		writeError(w, http.StatusConflict, "not enough stock")
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
	default:
		writeJSON(w, http.StatusCreated, reservation)
	}
}

func handleCancel(store *Store, w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodDelete {
		writeError(w, http.StatusMethodNotAllowed, "DELETE only")
		return
	}
	id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/api/v1/reservations/"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad reservation id")
		return
	}
	if err := store.Cancel(id); err != nil {
		writeError(w, http.StatusNotFound, "unknown reservation")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
