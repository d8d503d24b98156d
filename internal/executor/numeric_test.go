package executor

import (
	"strings"
	"testing"
)

func TestParseConfigIntStrings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		check   func(Config) bool
		wantErr string
	}{
		{`{"executor":"shared-iterations","vus":"3","iterations":"9"}`, func(c Config) bool {
			s := c.(*SharedIterations)
			return s.VUs == 3 && s.Iterations == 9
		}, ""},
		{`{"executor":"per-vu-iterations","vus":"","iterations":"2"}`, func(c Config) bool {
			s := c.(*PerVUIterations)
			return s.VUs == 1 && s.Iterations == 2 // "" is unset: the default
		}, ""},
		{`{"executor":"constant-arrival-rate","rate":"5","duration":"1s","preAllocatedVUs":"2","maxVUs":"4"}`, func(c Config) bool {
			s := c.(*ConstantArrivalRate)
			return s.Rate == 5 && s.PreAllocatedVUs == 2 && s.MaxVUsLimit == 4
		}, ""},
		{`{"executor":"ramping-vus","startVUs":"2","stages":[{"duration":"1s","target":"4"},{"duration":"1s","target":0}]}`, func(c Config) bool {
			s := c.(*RampingVUs)
			return s.StartVUs == 2 && len(s.Stages) == 2 && s.Stages[0].Target == 4 && s.Stages[1].Target == 0
		}, ""},
		{`{"executor":"ramping-arrival-rate","startRate":"1","preAllocatedVUs":1,"stages":[{"duration":"1s","target":"x"}]}`, nil,
			`scenario s: stages[0].target: strconv.ParseInt: parsing "x": invalid syntax`},
		{`{"executor":"constant-vus","vus":"1.5","duration":"1s"}`, nil, `scenario s: vus: strconv.ParseInt: parsing "1.5"`},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			c, err := ParseConfig("s", []byte(tt.raw))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("decoded %+v", c)
			}
		})
	}
}
