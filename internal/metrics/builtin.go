package metrics

// Builtins are the engine's own metrics, as k6 defines them.
type Builtins struct {
	VUs               *Metric // Gauge: active VUs, every second
	VUsMax            *Metric // Gauge: initialised VUs, every second
	Iterations        *Metric // Counter: +1 per full iteration
	IterationDuration *Metric // Trend (time): per full iteration
	DroppedIterations *Metric // Counter
	Checks            *Metric // Rate: one sample per check
	GroupDuration     *Metric // Trend (time): per group() call
	DataSent          *Metric // Counter (data): bytes written by network modules
	DataReceived      *Metric // Counter (data): bytes read by network modules
	ScheduleLag       *Metric // Trend (time): actual − scheduled iteration start (arrival-rate executors)
}

// RegisterBuiltins creates the built-in metrics in r.
func RegisterBuiltins(r *Registry) *Builtins {
	return &Builtins{
		VUs:               r.MustNewMetric("vus", Gauge),
		VUsMax:            r.MustNewMetric("vus_max", Gauge),
		Iterations:        r.MustNewMetric("iterations", Counter),
		IterationDuration: r.MustNewMetric("iteration_duration", Trend, Time),
		DroppedIterations: r.MustNewMetric("dropped_iterations", Counter),
		Checks:            r.MustNewMetric("checks", Rate),
		GroupDuration:     r.MustNewMetric("group_duration", Trend, Time),
		DataSent:          r.MustNewMetric("data_sent", Counter, Data),
		DataReceived:      r.MustNewMetric("data_received", Counter, Data),
		ScheduleLag:       r.MustNewMetric("schedule_lag", Trend, Time),
	}
}
