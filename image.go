package llm

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"

	"github.com/grafana/sobek"
)

// ImageSpec asks for a synthetic image.
type ImageSpec struct {
	Width, Height int
	// Format is "jpeg" (default) or "png".
	Format string
	// Seed picks the picture: different seeds give different images, so
	// a server's multimodal cache does not serve them from memory.
	Seed uint64
	// Quality is the JPEG quality, 1–100 (default 85).
	Quality int
}

// MaxImageSide bounds a synthetic image's width and height.
const MaxImageSide = 8192

// SyntheticImage returns a data URL ("data:image/jpeg;base64,…") of a
// generated picture of the given size: a colour gradient under 32×32
// tiles of seeded colours with seeded noise, so it is neither blank nor
// pure noise (both compress unrealistically) and differs per seed. No
// file or network is used.
func SyntheticImage(spec ImageSpec) (string, error) {
	if spec.Width < 1 || spec.Height < 1 || spec.Width > MaxImageSide || spec.Height > MaxImageSide {
		return "", fmt.Errorf("image size %dx%d: want 1–%d pixels a side", spec.Width, spec.Height, MaxImageSide)
	}
	if spec.Format == "" {
		spec.Format = "jpeg"
	}
	if spec.Quality == 0 {
		spec.Quality = 85
	}
	if spec.Quality < 1 || spec.Quality > 100 {
		return "", fmt.Errorf("quality %d: want 1–100", spec.Quality)
	}
	rng := rand.New(rand.NewPCG(spec.Seed, spec.Seed^0xda942042e4dd58b5))
	img := image.NewRGBA(image.Rect(0, 0, spec.Width, spec.Height))
	const tile = 32
	tw := (spec.Width + tile - 1) / tile
	tiles := make([]color.RGBA, tw*((spec.Height+tile-1)/tile))
	for i := range tiles {
		tiles[i] = color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
	}
	mix := func(a, b uint8, noise int) uint8 { return uint8(min(255, max(0, (int(a)+int(b))/2+noise))) }
	for y := 0; y < spec.Height; y++ {
		for x := 0; x < spec.Width; x++ {
			t := tiles[(y/tile)*tw+x/tile]
			gx, gy := uint8(x*255/spec.Width), uint8(y*255/spec.Height)
			n := rng.IntN(17) - 8
			img.SetRGBA(x, y, color.RGBA{mix(t.R, gx, n), mix(t.G, gy, n), mix(t.B, gx/2+gy/2, n), 255})
		}
	}
	var buf bytes.Buffer
	var mime string
	switch spec.Format {
	case "jpeg", "jpg":
		mime = "image/jpeg"
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: spec.Quality}); err != nil {
			return "", fmt.Errorf("encoding jpeg: %w", err)
		}
	case "png":
		mime = "image/png"
		if err := png.Encode(&buf, img); err != nil {
			return "", fmt.Errorf("encoding png: %w", err)
		}
	default:
		return "", fmt.Errorf("format %q: want jpeg or png", spec.Format)
	}
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// syntheticImage is llm.syntheticImage({width, height, format, seed,
// quality}): a data URL for an image_url content part.
func (i *instance) syntheticImage(fc sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	spec := ImageSpec{Width: 512, Height: 512}
	if o := fc.Argument(0); !isNullish(o) {
		obj := o.ToObject(rt)
		for _, k := range obj.Keys() {
			v := obj.Get(k)
			switch k {
			case "width":
				spec.Width = int(v.ToInteger())
			case "height":
				spec.Height = int(v.ToInteger())
			case "format":
				spec.Format = v.String()
			case "seed":
				spec.Seed = uint64(v.ToInteger())
			case "quality":
				spec.Quality = int(v.ToInteger())
			default:
				panic(rt.NewTypeError(fmt.Sprintf("llm.syntheticImage: unknown option %q (want width, height, format, seed, quality)", k)))
			}
		}
	}
	url, err := SyntheticImage(spec)
	if err != nil {
		panic(rt.NewTypeError("llm.syntheticImage: " + err.Error()))
	}
	return rt.ToValue(url)
}
