// Command artgen draws TinyMMO's pixel art: the map tileset, the character,
// monster and boss sprite sheets, the combat effects and the UI icons.
// Everything is drawn in code from a fixed palette with fixed random seeds,
// so a run rewrites byte-identical PNGs and the art's licence is the
// project's own.
//
// Usage, from the repository root:
//
//	go run ./tools/artgen [-out assets]
//
// It writes tiles/tileset.png and tiles/tileset.tsx, and sprites/<sheet>.png
// and .json for the sheets characters, mobs, boss, effects and ui, under the
// output directory (assets/README.md describes each index). The outputs are
// committed; rerun it after changing the drawing code.
package main

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"image"
	"image/png"
	"log"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", "assets", "directory to write the art into")
	flag.Parse()
	if err := run(*out); err != nil {
		log.Fatal(err)
	}
}

func run(out string) error {
	tiles, defs := drawTileset()
	files := map[string][]byte{}
	var err error
	if files["tiles/tileset.png"], err = encodePNG(tiles); err != nil {
		return err
	}
	if files["tiles/tileset.tsx"], err = tilesetTSX(defs, tiles.Bounds()); err != nil {
		return err
	}
	for _, s := range []sheetSpec{characterSheet(), mobSheet(), bossSheet(), effectSheet(), uiSheet()} {
		if files["sprites/"+s.name+".png"], err = encodePNG(s.img); err != nil {
			return err
		}
		if files["sprites/"+s.name+".json"], err = s.index(); err != nil {
			return err
		}
	}
	for name, data := range files {
		path := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("artgen: %w", err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("artgen: %w", err)
		}
	}
	return nil
}

func encodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("artgen: encode png: %w", err)
	}
	return b.Bytes(), nil
}

// tilesetTSX describes the tileset for Tiled and for internal/maps: every
// tile carries a "name" property (see tileDefs).
func tilesetTSX(defs []tileDef, bounds image.Rectangle) ([]byte, error) {
	type property struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	type tile struct {
		ID         int        `xml:"id,attr"`
		Properties []property `xml:"properties>property"`
	}
	type imageRef struct {
		Source string `xml:"source,attr"`
		Width  int    `xml:"width,attr"`
		Height int    `xml:"height,attr"`
	}
	type tileset struct {
		XMLName      xml.Name `xml:"tileset"`
		Version      string   `xml:"version,attr"`
		TiledVersion string   `xml:"tiledversion,attr"`
		Name         string   `xml:"name,attr"`
		TileWidth    int      `xml:"tilewidth,attr"`
		TileHeight   int      `xml:"tileheight,attr"`
		TileCount    int      `xml:"tilecount,attr"`
		Columns      int      `xml:"columns,attr"`
		Image        imageRef `xml:"image"`
		Tiles        []tile   `xml:"tile"`
	}
	ts := tileset{
		Version: "1.10", TiledVersion: "1.10.2", Name: "tinymmo",
		TileWidth: tilePx, TileHeight: tilePx, TileCount: len(defs), Columns: tileColumns,
		Image: imageRef{Source: "tileset.png", Width: bounds.Dx(), Height: bounds.Dy()},
	}
	for i, d := range defs {
		ts.Tiles = append(ts.Tiles, tile{ID: i, Properties: []property{{"name", d.name}}})
	}
	b, err := xml.MarshalIndent(ts, "", " ")
	if err != nil {
		return nil, fmt.Errorf("artgen: tileset xml: %w", err)
	}
	return append(append([]byte(xml.Header), b...), '\n'), nil
}
