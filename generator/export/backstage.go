package export

// Backstage writes the Backstage catalog (placeholder until implemented).
func Backstage(in Input) ([]File, error) { return nil, nil }
