package zone

// Meta is the reference data the interface uses for filters and labels.
type Meta struct {
	Regions    []Region   `json:"regions"`
	Provinces  []Province `json:"provinces"`
	Industries []Industry `json:"industries"`
}
