package redact

import (
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"},
		{"https://user:pa55w0rd@host:9090/api/v1/write", "https://<redacted>@host:9090/api/v1/write"},
		{"https://sk-token@host/v1", "https://<redacted>@host/v1"},
		{`Post "http://u:***@h/x": dial tcp: refused`, `Post "http://<redacted>@h/x": dial tcp: refused`},
		{"scraping http://a:b@h:1/metrics failed; later http://c:d@h:2/", "scraping http://<redacted>@h:1/metrics failed; later http://<redacted>@h:2/"},
		{"http://h/metrics?api_key=abc123&x=1", "http://h/metrics?api_key=<redacted>&x=1"},
		{"http://h/?x=1&access_token=zz#f", "http://h/?x=1&access_token=<redacted>#f"},
		{"http://h/?sig=zz", "http://h/?sig=<redacted>"},
		{"user@example.com wrote", "user@example.com wrote"},
		{"", ""},
	}
	for _, c := range cases {
		if got := Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestEnvValue(t *testing.T) {
	cases := []struct{ name, value, want string }{
		{"DURATION", "10s", "10s"},
		{"MODEL", "llama-3.1-8b", "llama-3.1-8b"},
		{"LLM_BASE_URL", "http://u:p@h/v1", "http://<redacted>@h/v1"},
		{"LLM_API_KEY", "sk-123456", Mark},
		{"MY_BEARER", "abcdef0123", Mark},
		{"OPENAI_KEY", "1", Mark},      // a secret name is hidden even when plain
		{"WHATEVER", "s3cr3t-x", Mark}, // unknown name, not plain
		{"USERS_X", "12", "12"},
		{"FLAG", "true", "true"},
		{"WAIT", "1m30s", "1m30s"},
	}
	for _, c := range cases {
		if got := EnvValue(c.name, c.value); got != c.want {
			t.Errorf("EnvValue(%s, %q) = %q, want %q", c.name, c.value, got, c.want)
		}
	}
}

func TestArgs(t *testing.T) {
	in := []string{"llmbench", "run", "-e", "MY_BEARER=abc-secret", "--env", "DURATION=10s", "--env=X=zzz-secret",
		"-eTOKEN2=yyy-secret", "--out", "experimental-prometheus-rw=http://u:pw@h:9090/w", "-e", "RATE=5", "s.js"}
	want := []string{"llmbench", "run", "-e", "MY_BEARER=<redacted>", "--env", "DURATION=10s", "--env=X=<redacted>",
		"-eTOKEN2=<redacted>", "--out", "experimental-prometheus-rw=http://<redacted>@h:9090/w", "-e", "RATE=5", "s.js"}
	if got := Args(in); !slices.Equal(got, want) {
		t.Errorf("Args:\n got %q\nwant %q", got, want)
	}
}

func TestHandler(t *testing.T) {
	var b strings.Builder
	l := slog.New(Handler(slog.NewTextHandler(&b, nil))).With("url", "http://a:b@h/")
	l.Warn("scraping http://u:secret1@h:1/metrics failed", "error", errors.New(`Get "http://u:secret2@h": refused`),
		"target", "http://x:secret3@h", "n", 3, slog.Group("g", "u", "http://y:secret4@h"))
	out := b.String()
	for _, s := range []string{"secret", "a:b@"} {
		if strings.Contains(out, s) {
			t.Errorf("logged %q:\n%s", s, out)
		}
	}
	if !strings.Contains(out, "n=3") || strings.Count(out, Mark) != 5 {
		t.Errorf("log line %s", out)
	}
}
