package pdf

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"

	"github.com/chromedp/chromedp"
)

// chromeNames are the executables looked up on PATH when no Chrome path is given, in order.
var chromeNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// installHint ends every "no Chrome" error, so the user always learns both ways out.
const installHint = "install Chromium (apt-get install -y chromium) or pass --chrome /path/to/chrome"

// FindChrome returns the Chromium binary to run: path itself when it is given (it must exist and
// be executable), else the first of chromium, chromium-browser, google-chrome and
// google-chrome-stable found on PATH.
func FindChrome(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("chrome %q is not an executable file (%w): %s", path, unwrapLookPath(err), installHint)
		}
		return p, nil
	}
	for _, name := range chromeNames {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chrome found on PATH (looked for %s): %s", strings.Join(chromeNames, ", "), installHint)
}

// unwrapLookPath drops exec.Error's own "exec: name:" prefix, which would repeat the path.
func unwrapLookPath(err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) {
		return ee.Err
	}
	return err
}

// AllocatorOptions are the flags kdocs starts Chromium with, for the PDF and for the browser
// tests alike, so both see the site the same way: headless, no sandbox (containers and CI run as
// root), no GPU, and no network traffic of its own (component updates, sync, QUIC, field trials),
// because the build machine may have no network and a book must not depend on one. chromedp gives
// every run a fresh temporary --user-data-dir and removes it afterwards.
func AllocatorOptions(chrome string) []chromedp.ExecAllocatorOption {
	return append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(chrome),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
	)
}

// fileExists reports whether name is an existing regular file.
func fileExists(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.Mode().IsRegular()
}
