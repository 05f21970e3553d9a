package main

import (
	"encoding/json"
	"fmt"
	"image"
)

// sheetSpec is a sprite sheet and the JSON index that describes it.
type sheetSpec struct {
	name string // file name without extension
	img  *image.Paletted
	meta any // marshalled as the index
}

func (s sheetSpec) index() ([]byte, error) {
	b, err := json.MarshalIndent(s.meta, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("artgen: %s index: %w", s.name, err)
	}
	return append(b, '\n'), nil
}
