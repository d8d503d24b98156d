package llm

import (
	"bytes"
	"encoding/base64"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/mock"
)

// decodeDataURL checks the data URL's prefix and decodes the image.
func decodeDataURL(t *testing.T, url string) (image.Image, string) {
	t.Helper()
	head, data, ok := strings.Cut(url, ";base64,")
	if !ok || !strings.HasPrefix(head, "data:image/") {
		t.Fatalf("not a base64 image data URL: %.60s", url)
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	img, format, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if "data:image/"+format != head {
		t.Errorf("header %s, content %s", head, format)
	}
	return img, format
}

func TestSyntheticImage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec   ImageSpec
		format string
	}{
		{ImageSpec{Width: 64, Height: 48}, "jpeg"},
		{ImageSpec{Width: 33, Height: 100, Format: "png", Seed: 3}, "png"},
		{ImageSpec{Width: 1, Height: 1, Format: "jpg", Quality: 10}, "jpeg"},
	}
	for _, tc := range tests {
		url, err := SyntheticImage(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		img, format := decodeDataURL(t, url)
		if b := img.Bounds(); b.Dx() != tc.spec.Width || b.Dy() != tc.spec.Height || format != tc.format {
			t.Errorf("%+v: got %v %s", tc.spec, b, format)
		}
	}
	a, _ := SyntheticImage(ImageSpec{Width: 32, Height: 32, Format: "png", Seed: 1})
	b, _ := SyntheticImage(ImageSpec{Width: 32, Height: 32, Format: "png", Seed: 1})
	c, _ := SyntheticImage(ImageSpec{Width: 32, Height: 32, Format: "png", Seed: 2})
	if a != b || a == c {
		t.Error("want the same image for a seed and another for another seed")
	}
	for _, spec := range []ImageSpec{{Width: 0, Height: 1}, {Width: 9000, Height: 1}, {Width: 1, Height: 1, Format: "gif"}, {Width: 1, Height: 1, Quality: 101}} {
		if _, err := SyntheticImage(spec); err == nil {
			t.Errorf("%+v: no error", spec)
		}
	}
}

// TestModuleVision sends a chat message with two synthetic images to the
// mock: the request succeeds and the server's prompt tokens include the
// images (256 each by default), not their base64 text.
func TestModuleVision(t *testing.T) {
	t.Parallel()
	ts := mockServer(t, mock.Config{OutputTokens: 2})
	v := loadModule(t)
	_ = v.RT.Set("BASE", ts.URL+"/v1")
	res, err := v.RT.RunString(`
		const img = llm.syntheticImage({width: 256, height: 128, seed: 5});
		const r = new llm.Client({baseURL: BASE}).chat({messages: [{role: 'user', content: [
			{type: 'text', text: 'What is in these?'},
			{type: 'image_url', image_url: {url: img}},
			{type: 'image_url', image_url: {url: llm.syntheticImage({format: 'png', width: 64, height: 64})}},
		]}]});
		[img.startsWith('data:image/jpeg;base64,'), r.ok, r.inputTokens].join(',')`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.String(), "true,true,516"; got != want { // 17 bytes of text → 4, + 2×256
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := v.RT.RunString(`llm.syntheticImage({size: 3})`); err == nil || !strings.Contains(err.Error(), `unknown option "size"`) {
		t.Errorf("bad option: %v", err)
	}
}
