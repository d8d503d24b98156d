//go:build !(cgo && linux)

package llm

// nvmlOffReason is why GPU metrics are off in this build.
const nvmlOffReason = "GPU metrics off: NVML is not compiled in (built without cgo, or not on Linux)"

// openGPUs reports that this build has no NVML binding: go-nvml loads
// libnvidia-ml with dlopen, which needs cgo, and supports Linux only.
func openGPUs(GPUOptions) (gpuBackend, string, error) {
	return gpuBackend{}, nvmlOffReason, nil
}
