package k6http

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/grafana/sobek"
	"github.com/klauspost/compress/zstd"
)

// FileData is what http.file() returns: a multipart file part.
type FileData struct {
	Data        []byte `js:"data"`
	Filename    string `js:"filename"`
	ContentType string `js:"content_type"`
}

// file(data, [filename], [contentType]).
func (i *instance) file(call sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	var data []byte
	switch x := call.Argument(0).Export().(type) {
	case string:
		data = []byte(x)
	case sobek.ArrayBuffer:
		data = x.Bytes()
	default:
		throwGo(rt, fmt.Errorf("invalid type %T, expected string or ArrayBuffer", x))
	}
	f := &FileData{Data: data, Filename: strconv.FormatInt(time.Now().UnixNano(), 10), ContentType: "application/octet-stream"}
	if v := call.Argument(1); !isNullish(v) {
		f.Filename = v.String()
	}
	if v := call.Argument(2); !isNullish(v) {
		f.ContentType = v.String()
	}
	return rt.ToValue(f)
}

// setBody encodes the body argument as k6 does.
func (i *instance) setBody(r *request, v sobek.Value) error {
	if isNullish(v) {
		return nil
	}
	r.hasBody = true
	switch x := v.Export().(type) {
	case string:
		r.body = []byte(x)
	case []byte:
		r.body = x
	case sobek.ArrayBuffer:
		r.body = x.Bytes()
	case map[string]any:
		hasFile := false
		for _, fv := range x {
			if _, ok := fv.(*FileData); ok {
				hasFile = true
				break
			}
		}
		if hasFile {
			return r.multipartBody(x)
		}
		vals := url.Values{}
		for k, fv := range x {
			if arr, ok := fv.([]any); ok {
				for _, e := range arr {
					vals.Add(k, formValue(e))
				}
				continue
			}
			vals.Set(k, formValue(fv))
		}
		r.body = []byte(vals.Encode()) // sorted by key
		r.contentType = "application/x-www-form-urlencoded"
	default:
		return fmt.Errorf("unknown request body type %T", x)
	}
	r.plainBody = string(r.body)
	return nil
}

// formValue formats a form value as Go's %v does (k6 does the same).
func formValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

func (r *request) multipartBody(m map[string]any) error {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	b := make([]byte, 30)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	if err := w.SetBoundary(hex.EncodeToString(b)); err != nil {
		return err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // k6's order is Go map order (random); sorted is one of those orders
	for _, k := range keys {
		if f, ok := m[k].(*FileData); ok {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscaper.Replace(k), quoteEscaper.Replace(f.Filename)))
			h.Set("Content-Type", f.ContentType)
			pw, err := w.CreatePart(h)
			if err != nil {
				return err
			}
			if _, err := pw.Write(f.Data); err != nil {
				return err
			}
			continue
		}
		if err := w.WriteField(k, formValue(m[k])); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	r.body = buf.Bytes()
	r.contentType = w.FormDataContentType()
	return nil
}

var compressions = []string{"gzip", "deflate", "zstd", "br"}

// compress applies params.compression ("gzip, br") to the body in order.
func (r *request) compress(spec string) error {
	var algs []string
	for _, a := range strings.Split(spec, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		known := false
		for _, c := range compressions {
			known = known || a == c
		}
		if !known {
			return fmt.Errorf("unknown compression algorithm %s, supported algorithms are [%s]", a, strings.Join(compressions, " "))
		}
		algs = append(algs, a)
	}
	if len(algs) == 0 {
		return nil
	}
	body := r.body
	for _, a := range algs {
		var buf bytes.Buffer
		var w io.WriteCloser
		switch a {
		case "gzip":
			w = gzip.NewWriter(&buf)
		case "deflate":
			w = zlib.NewWriter(&buf)
		case "br":
			w = brotli.NewWriter(&buf)
		case "zstd":
			zw, err := zstd.NewWriter(&buf)
			if err != nil {
				return err
			}
			w = zw
		}
		if _, err := w.Write(body); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		body = buf.Bytes()
	}
	r.body = body
	r.hasBody = true
	if r.headers == nil {
		r.headers = http.Header{}
	}
	if r.headers.Get("Content-Encoding") == "" {
		r.headers.Set("Content-Encoding", strings.Join(algs, ", "))
	}
	return nil
}

// decompress decodes body by the Content-Encoding values, right to left;
// unknown codings are left as they are.
func decompress(body []byte, encoding string) ([]byte, error) {
	if encoding == "" {
		return body, nil
	}
	codings := strings.Split(encoding, ",")
	for j := len(codings) - 1; j >= 0; j-- {
		var rd io.Reader
		var err error
		src := bytes.NewReader(body)
		switch strings.ToLower(strings.TrimSpace(codings[j])) {
		case "gzip", "x-gzip":
			rd, err = gzip.NewReader(src)
		case "deflate":
			rd, err = zlib.NewReader(src)
		case "br":
			rd = brotli.NewReader(src)
		case "zstd":
			var d *zstd.Decoder
			d, err = zstd.NewReader(src)
			if err == nil {
				defer d.Close()
				rd = d
			}
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
		if body, err = io.ReadAll(rd); err != nil {
			return nil, err
		}
	}
	return body, nil
}
