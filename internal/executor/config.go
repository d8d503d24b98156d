package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Executor type names.
const (
	TypeSharedIterations     = "shared-iterations"
	TypePerVUIterations      = "per-vu-iterations"
	TypeConstantVUs          = "constant-vus"
	TypeRampingVUs           = "ramping-vus"
	TypeConstantArrival      = "constant-arrival-rate"
	TypeRampingArrival       = "ramping-arrival-rate"
	typeExternallyControlled = "externally-controlled"
)

// Defaults shared by several executors (reference §1.1–1.2).
const (
	DefaultGracefulStop = 30 * time.Second
	DefaultMaxDuration  = 10 * time.Minute
	DefaultTimeUnit     = time.Second
	minDuration         = time.Second
	maxRampingVUs       = 100_000_000
)

// Config is one decoded, defaulted scenario.
type Config interface {
	Name() string
	Type() string
	// Validate returns every problem, joined; nil when valid.
	Validate() error
	// Base returns the options common to every executor.
	Base() BaseConfig
	// PlannedVUs is the number of VUs initialised before setup()
	// (preAllocatedVUs for arrival-rate executors).
	PlannedVUs() int64
	// MaxVUs includes the VUs arrival-rate executors create lazily.
	MaxVUs() int64
	// MaxDuration is the regular duration plus gracefulStop.
	MaxDuration() time.Duration
	// Description is k6's header text for the scenario.
	Description() string
	json.Marshaler
	// New returns an executor for one run.
	New(env Env) Executor
}

// Executor runs one scenario.
type Executor interface {
	// Run runs the scenario until its end. Cancelling ctx is a graceful
	// stop; Env.Kill interrupts at once.
	Run(ctx context.Context) error
	// Progress reports the executor's state; safe from any goroutine.
	Progress() Progress
}

// BaseConfig holds the options every executor accepts.
type BaseConfig struct {
	Name         string            `json:"-"`
	Type         string            `json:"executor"`
	StartTime    Duration          `json:"startTime"`
	GracefulStop Duration          `json:"gracefulStop"`
	Exec         string            `json:"exec"`
	Env          map[string]string `json:"env,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
	Options      json.RawMessage   `json:"options,omitempty"`

	execSet bool
}

func newBase(name, typ string) BaseConfig {
	return BaseConfig{Name: name, Type: typ, GracefulStop: Duration(DefaultGracefulStop), Exec: "default"}
}

var scenarioNameRE = regexp.MustCompile(`^[0-9a-zA-Z_-]+$`)

func (b *BaseConfig) validate() []error {
	var errs []error
	if !scenarioNameRE.MatchString(b.Name) {
		errs = append(errs, errors.New("the scenario name should contain only numbers, latin letters, underscores, and dashes"))
	}
	if b.Exec == "" {
		errs = append(errs, errors.New("exec value cannot be empty"))
	}
	if b.StartTime < 0 {
		errs = append(errs, errors.New("the startTime can't be negative"))
	}
	if b.GracefulStop < 0 {
		errs = append(errs, errors.New("the gracefulStop timeout can't be negative"))
	}
	return errs
}

// describe appends k6's base facts to the executor's own and formats
// "desc (fact, fact)".
func (b *BaseConfig) describe(desc string, facts ...string) string {
	if b.execSet {
		facts = append(facts, "exec: "+b.Exec)
	}
	if b.StartTime > 0 {
		facts = append(facts, "startTime: "+b.StartTime.String())
	}
	if b.GracefulStop > 0 {
		facts = append(facts, "gracefulStop: "+b.GracefulStop.String())
	}
	if len(facts) == 0 {
		return desc
	}
	return desc + " (" + strings.Join(facts, ", ") + ")"
}

func validateDuration(what string, d Duration, set bool) error {
	switch {
	case !set:
		return fmt.Errorf("the %s is unspecified", what)
	case d.D() < minDuration:
		return fmt.Errorf("the %s must be at least %s, but is %s", what, minDuration, d)
	}
	return nil
}

// joinErrs joins validation problems under the scenario's name.
func joinErrs(name string, errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	for i, e := range errs {
		errs[i] = fmt.Errorf("scenario %s: %w", name, e)
	}
	return errors.Join(errs...)
}

// ParseConfig decodes one scenario strictly (an unknown key is an error
// naming it; integer keys may be numeric strings, as in k6), applies k6's
// defaults and validates. The caller attaches exit
// code 104.
func ParseConfig(name string, raw json.RawMessage) (Config, error) {
	raw, err := coerceIntStrings(raw)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", name, err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", name, err)
	}
	var typ string
	if t, ok := keys["executor"]; ok {
		if err := json.Unmarshal(t, &typ); err != nil {
			return nil, fmt.Errorf("scenario %s: executor: %w", name, err)
		}
	}
	var cfg interface {
		Config
		setDefaults(keys map[string]json.RawMessage) error
		base() *BaseConfig
	}
	switch typ {
	case "":
		return nil, fmt.Errorf("scenario '%s' doesn't have a specified executor type", name)
	case TypeSharedIterations:
		cfg = &SharedIterations{BaseConfig: newBase(name, typ), VUs: 1, Iterations: 1, MaxDur: Duration(DefaultMaxDuration)}
	case TypePerVUIterations:
		cfg = &PerVUIterations{BaseConfig: newBase(name, typ), VUs: 1, Iterations: 1, MaxDur: Duration(DefaultMaxDuration)}
	case TypeConstantVUs:
		cfg = &ConstantVUs{BaseConfig: newBase(name, typ), VUs: 1}
	case TypeRampingVUs:
		cfg = &RampingVUs{BaseConfig: newBase(name, typ), StartVUs: 1, GracefulRampDown: Duration(DefaultGracefulStop)}
	case TypeConstantArrival:
		cfg = &ConstantArrivalRate{BaseConfig: newBase(name, typ), TimeUnit: Duration(DefaultTimeUnit)}
	case TypeRampingArrival:
		cfg = &RampingArrivalRate{BaseConfig: newBase(name, typ), TimeUnit: Duration(DefaultTimeUnit)}
	case TypeArrivalTimes:
		cfg = &ArrivalTimes{BaseConfig: newBase(name, typ), TimeUnit: Duration(DefaultArrivalTimesUnit), Speed: 1}
	case typeExternallyControlled:
		return nil, fmt.Errorf("scenario %s: the externally-controlled executor is not supported (it was removed in k6 v2)", name)
	default:
		return nil, fmt.Errorf("unknown executor type '%s'", typ)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", name, err)
	}
	b := cfg.base()
	b.Name = name
	_, b.execSet = keys["exec"]
	if err := cfg.setDefaults(keys); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", name, err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// stageKeys decodes the presence of each stage's keys.
func stageKeys(raw json.RawMessage) ([]map[string]json.RawMessage, error) {
	if raw == nil {
		return nil, nil
	}
	var ks []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ks); err != nil {
		return nil, fmt.Errorf("stages: %w", err)
	}
	return ks, nil
}

// Stage is one step of a ramping executor: reach Target by the end of
// Duration, linearly.
type Stage struct {
	Duration Duration `json:"duration"`
	Target   int64    `json:"target"`
}

// stagesValid holds which stage keys were given.
type stageSet struct{ duration, target bool }

func readStageSet(raw json.RawMessage) ([]stageSet, error) {
	ks, err := stageKeys(raw)
	if err != nil {
		return nil, err
	}
	out := make([]stageSet, len(ks))
	for i, k := range ks {
		_, out[i].duration = k["duration"]
		_, out[i].target = k["target"]
	}
	return out, nil
}

func validateStages(stages []Stage, set []stageSet, maxTarget int64) []error {
	if len(stages) == 0 {
		return []error{errors.New("at least one stage has to be specified")}
	}
	var errs []error
	for i, s := range stages {
		n := i + 1
		switch {
		case i < len(set) && !set[i].duration:
			errs = append(errs, fmt.Errorf("stage %d doesn't have a duration", n))
		case s.Duration < 0:
			errs = append(errs, fmt.Errorf("the duration for stage %d shouldn't be negative", n))
		}
		switch {
		case i < len(set) && !set[i].target:
			errs = append(errs, fmt.Errorf("stage %d doesn't have a target", n))
		case s.Target < 0:
			errs = append(errs, fmt.Errorf("the target for stage %d shouldn't be negative", n))
		case maxTarget > 0 && s.Target > maxTarget:
			errs = append(errs, fmt.Errorf("the target for stage %d exceeds the max limit of %d", n, maxTarget))
		}
	}
	return errs
}

func sumStages(stages []Stage) time.Duration {
	var d time.Duration
	for _, s := range stages {
		d += s.Duration.D()
	}
	return d
}
