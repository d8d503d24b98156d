//go:build cgo && linux

package llm

import (
	"fmt"
	"strings"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// defaultNVMLLibrary is the library go-nvml dlopens by default.
const defaultNVMLLibrary = "libnvidia-ml.so.1"

// openGPUs loads NVML at run time (dlopen) and opens the selected GPUs.
func openGPUs(opts GPUOptions) (gpuBackend, string, error) {
	var libOpts []nvml.LibraryOption
	if opts.LibraryPath != "" {
		libOpts = append(libOpts, nvml.WithLibraryPath(opts.LibraryPath))
	}
	return openNVML(nvml.New(libOpts...), opts)
}

// openNVML initialises lib and opens the selected GPUs. On success the
// backend's close shuts NVML down; on failure NVML is already shut down.
func openNVML(lib nvml.Interface, opts GPUOptions) (gpuBackend, string, error) {
	path := opts.LibraryPath
	if path == "" {
		path = defaultNVMLLibrary
	}
	if r := lib.Init(); r != nvml.SUCCESS {
		return gpuBackend{}, initOffReason(r, path), nil
	}
	shutdown := func() { _ = lib.Shutdown() }
	n, r := lib.DeviceGetCount()
	if r != nvml.SUCCESS {
		shutdown()
		return gpuBackend{}, fmt.Sprintf("GPU metrics off: NVML could not count the GPUs: %s", r.Error()), nil
	}
	if n == 0 {
		shutdown()
		return gpuBackend{}, "GPU metrics off: NVML found no GPU", nil
	}
	indexes := opts.Select.Indexes
	if len(indexes) == 0 {
		for i := range n {
			indexes = append(indexes, i)
		}
	}
	for _, i := range indexes {
		if i >= n {
			shutdown()
			return gpuBackend{}, "", fmt.Errorf("--gpu %s: there is no GPU %d; NVML found %d GPU(s), indexes 0 to %d", opts.Select, i, n, n-1)
		}
	}
	var b gpuBackend
	var failed []string
	for _, i := range indexes {
		dev, r := lib.DeviceGetHandleByIndex(i)
		if r != nvml.SUCCESS {
			failed = append(failed, fmt.Sprintf("GPU %d: %s", i, r.Error()))
			continue
		}
		h := gpuHandle{index: i, dev: nvmlDevice{dev}}
		if h.name, r = dev.GetName(); r != nvml.SUCCESS {
			h.name = "unknown"
		}
		if h.uuid, r = dev.GetUUID(); r != nvml.SUCCESS {
			h.uuid = "unknown"
		}
		if mem, r := dev.GetMemoryInfo(); r == nvml.SUCCESS {
			h.memoryTotal = mem.Total
		}
		b.gpus = append(b.gpus, h)
	}
	if len(b.gpus) == 0 {
		shutdown()
		return gpuBackend{}, "GPU metrics off: no GPU could be opened (" + strings.Join(failed, "; ") + ")", nil
	}
	if len(failed) > 0 && opts.Log != nil {
		opts.Log.Warn("some GPUs could not be opened and are not sampled: " + strings.Join(failed, "; "))
	}
	b.close = shutdown
	return b, "", nil
}

// initOffReason is the one line printed when nvml.Init fails.
func initOffReason(r nvml.Return, path string) string {
	switch r {
	case nvml.ERROR_LIBRARY_NOT_FOUND:
		return fmt.Sprintf("GPU metrics off: the NVIDIA management library %s was not found (no NVIDIA driver on this machine)", path)
	case nvml.ERROR_DRIVER_NOT_LOADED:
		return "GPU metrics off: the NVIDIA driver is not loaded (NVML: " + r.Error() + ")"
	case nvml.ERROR_NO_PERMISSION:
		return "GPU metrics off: no permission to use NVML (" + r.Error() + "); check access to /dev/nvidia*"
	}
	return "GPU metrics off: NVML failed to initialise: " + r.Error()
}

// nvmlDevice reads fields of one NVML device.
type nvmlDevice struct{ d nvml.Device }

func (d nvmlDevice) read(f gpuField) (float64, error) {
	var v float64
	var r nvml.Return
	switch f {
	case fieldUtil:
		var u nvml.Utilization
		u, r = d.d.GetUtilizationRates()
		v = float64(u.Gpu)
	case fieldMemory:
		var m nvml.Memory
		m, r = d.d.GetMemoryInfo()
		v = float64(m.Used)
	case fieldPower:
		var mw uint32
		mw, r = d.d.GetPowerUsage()
		v = float64(mw) / 1000
	case fieldTemperature:
		var c uint32
		c, r = d.d.GetTemperature(nvml.TEMPERATURE_GPU)
		v = float64(c)
	case fieldSMClock:
		var mhz uint32
		mhz, r = d.d.GetClockInfo(nvml.CLOCK_SM)
		v = float64(mhz)
	case fieldEnergy:
		var mj uint64
		mj, r = d.d.GetTotalEnergyConsumption()
		v = float64(mj)
	default:
		return 0, fmt.Errorf("unknown GPU field %d", f)
	}
	switch r {
	case nvml.SUCCESS:
		return v, nil
	case nvml.ERROR_NOT_SUPPORTED:
		return 0, errNotSupported
	}
	return 0, fmt.Errorf("NVML: %s", r.Error())
}
