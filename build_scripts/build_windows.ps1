#Requires -Version 5.1
<#
.SYNOPSIS
    Build the Reyon tablet app as a Windows desktop app with `flet build windows`.

.DESCRIPTION
    Runs on Windows 10 or 11 (64-bit) with internet access, Visual Studio 2022 (or newer) with
    the "Desktop development with C++" workload, Git and Python 3.11+. It checks those first,
    installs flet-cli (the version pyproject.toml pins) into build\flet-cli, stages the tablet
    app into build\tablet-src (see stage_tablet.py) and builds it into build\tablet\windows.
    See build_scripts\README.md.

.PARAMETER ApiUrl
    The central API the app talks to, e.g. https://reyon-api.example.com (default: the
    REYON_API_URL environment variable).

.PARAMETER Pin
    Replace pinned tablet dependencies, comma-separated: -Pin pillow==12.2.0,pydantic==2.11.7

.PARAMETER FletArgs
    More options for flet build, comma-separated: -FletArgs '--build-version,1.2.0'

.PARAMETER DryRun
    Check and stage, then print the flet build command instead of running it.

.PARAMETER SkipNetworkCheck
    Do not probe PyPI, GitHub and Google's Flutter downloads first (e.g. behind a proxy that
    refuses HEAD requests).

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File build_scripts\build_windows.ps1 -ApiUrl https://reyon-api.example.com
#>
[CmdletBinding()]
param(
    [string]$ApiUrl = $env:REYON_API_URL,
    [string[]]$Pin = @(),
    [string[]]$FletArgs = @(),
    [switch]$DryRun,
    [switch]$SkipNetworkCheck
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'  # Invoke-WebRequest is slow with a progress bar
# Windows PowerShell 5.1 on older .NET may not offer TLS 1.2, which PyPI and GitHub require.
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor
    [Net.SecurityProtocolType]::Tls12

function Say([string]$Message) { Write-Host "==> $Message" }
function Warn([string]$Message) { Write-Warning $Message }
function Fail([string]$Message) {
    Write-Host "ERROR: $Message" -ForegroundColor Red
    exit 1
}

# Run a native program and stop when it fails (PowerShell 5.1 does not do that by itself).
function Invoke-Checked([string]$Exe, [string[]]$Arguments, [string]$What) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { Fail "$What failed (exit code $LASTEXITCODE)." }
}

# A native program's output with its stderr dropped; $LASTEXITCODE says how it went. (Under
# 'Stop', Windows PowerShell 5.1 turns any redirected stderr line into a terminating error.)
function Invoke-Quiet([string]$Exe, [string[]]$Arguments) {
    $saved = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try { & $Exe @Arguments 2>$null } finally { $ErrorActionPreference = $saved }
}

# `powershell -File` hands over "a,b" as one string, not an array: split it here.
$Pin = @($Pin | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$FletArgs = @($FletArgs | ForEach-Object { $_ -split ',' } | Where-Object { $_ })

$Root = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$BuildDir = Join-Path $Root 'build'
$StageDir = Join-Path $BuildDir 'tablet-src'
$CliVenv = Join-Path $BuildDir 'flet-cli'
$OutDir = Join-Path $BuildDir 'tablet\windows'

# --- prerequisites ---------------------------------------------------------------------------
if ([System.Environment]::OSVersion.Platform -ne 'Win32NT') {
    Fail 'flet build windows runs on Windows only (build_android.sh builds for Android).'
}
if ([System.Environment]::OSVersion.Version.Major -lt 10) {
    Fail 'Windows 10 or newer is needed.'
}
if (-not [System.Environment]::Is64BitOperatingSystem) {
    Fail 'a 64-bit Windows is needed.'
}

if (-not $ApiUrl) {
    Fail 'give the central API''s address: -ApiUrl https://reyon-api.example.com (or set REYON_API_URL).'
}
if ($ApiUrl -notmatch '^https?://[^/?#\s]+') {
    Fail "the API address must look like https://host[:port], not '$ApiUrl'."
}
if ($ApiUrl -match '^https?://(localhost|127\.)') {
    Warn "$ApiUrl is this PC itself: fine only if the central API runs on every till PC."
} elseif ($ApiUrl -like 'http://*') {
    Warn "$ApiUrl is plain HTTP: PINs and customer data cross the network unencrypted."
}

# Python 3.11+ (the py launcher first: the 'python' on a fresh Windows may be a Store stub).
# No double quotes inside -c code: Windows PowerShell 5.1 strips them on the way to Python.
$Python = $null
$probe = 'import sys; print(sys.executable if sys.version_info >= (3, 11) else str())'
$candidates = @()
if (Get-Command py -ErrorAction SilentlyContinue) { $candidates += , @('py', '-3', '-c', $probe) }
if (Get-Command python -ErrorAction SilentlyContinue) { $candidates += , @('python', '-c', $probe) }
foreach ($candidate in $candidates) {
    $found = Invoke-Quiet $candidate[0] @($candidate | Select-Object -Skip 1)
    if ($LASTEXITCODE -eq 0 -and "$found".Trim()) { $Python = "$found".Trim(); break }
}
if (-not $Python) {
    Fail 'Python 3.11 or newer is needed: install it from python.org (tick "Add python.exe to PATH").'
}
Say "Python: $Python"

if (-not (Get-Command git -ErrorAction SilentlyContinue)) {
    Fail 'Git for Windows is needed by the Flutter SDK: install it from git-scm.com.'
}

# Visual Studio 2022+ with the C++ desktop workload: Flutter's Windows builds use its MSVC,
# CMake and Windows SDK.
$vswhere = Join-Path ${env:ProgramFiles(x86)} 'Microsoft Visual Studio\Installer\vswhere.exe'
if (-not (Test-Path $vswhere)) {
    Fail ('Visual Studio 2022 is not installed. Install Visual Studio 2022 (Community is enough) ' +
        'with the workload "Desktop development with C++".')
}
$needed = [ordered]@{
    'Microsoft.VisualStudio.Workload.NativeDesktop'        = 'the workload "Desktop development with C++"'
    'Microsoft.VisualStudio.Component.VC.Tools.x86.x64'    = 'MSVC C++ x64/x86 build tools'
    'Microsoft.VisualStudio.Component.VC.CMake.Project'    = 'C++ CMake tools for Windows'
}
$vsPath = $null
foreach ($component in $needed.Keys) {
    $vsPath = Invoke-Quiet $vswhere @('-latest', '-products', '*', '-version', '[17.0,)',
        '-requires', $component, '-property', 'installationPath')
    if (-not $vsPath) {
        Fail ("Visual Studio 2022+ lacks $($needed[$component]). Open the Visual Studio Installer, " +
            'choose Modify and tick "Desktop development with C++" with its default components.')
    }
}
Say "Visual Studio: $vsPath"

# Flutter links plugin code with symbolic links: Developer Mode (or an Administrator shell).
$devMode = Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\AppModelUnlock' `
    -Name AllowDevelopmentWithoutDevLicense -ErrorAction SilentlyContinue
$isAdmin = ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()
    ).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
if (-not ($devMode -and $devMode.AllowDevelopmentWithoutDevLicense -eq 1) -and -not $isAdmin) {
    Fail ('Flutter needs symbolic links for plugins: turn on Developer Mode (Settings > System > ' +
        'For developers; or run: start ms-settings:developers) or run this from an Administrator shell.')
}

$longPaths = Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\FileSystem' `
    -Name LongPathsEnabled -ErrorAction SilentlyContinue
if (-not ($longPaths -and $longPaths.LongPathsEnabled -eq 1) -and $Root.Length -gt 40) {
    Warn ("long paths are off and the project sits at $Root; if the build fails on a path of more " +
        'than 260 characters, move the project to e.g. C:\reyon or enable long paths.')
}

$drive = Get-PSDrive -Name ($Root.Substring(0, 1)) -ErrorAction SilentlyContinue
if ($drive) {
    $freeGb = [math]::Floor($drive.Free / 1073741824)
    if ($freeGb -lt 15) {
        Warn "only $freeGb GB free on $($drive.Name): a first build needs about 15 GB (Flutter SDK, caches, build)."
    }
}

if (-not $SkipNetworkCheck) {
    foreach ($url in @('https://pypi.org/simple/flet/', 'https://github.com/', 'https://storage.googleapis.com/')) {
        try {
            Invoke-WebRequest -Uri $url -Method Head -UseBasicParsing -TimeoutSec 15 | Out-Null
        } catch {
            # An HTTP error status still proves the host answers; only no answer at all fails.
            $response = $null
            if ($_.Exception.PSObject.Properties['Response']) { $response = $_.Exception.Response }
            if ($null -eq $response) {
                Fail ("cannot reach ${url}: flet build needs internet access (PyPI, GitHub and Google's " +
                    'Flutter downloads). Behind a proxy, set HTTPS_PROXY; or pass -SkipNetworkCheck.')
            }
        }
    }
}

# --- flet-cli, of exactly the Flet version pyproject.toml pins ------------------------------
$fletVersion = (& $Python (Join-Path $Root 'build_scripts\stage_tablet.py') --print-flet-version)
if ($LASTEXITCODE -ne 0) { Fail 'could not read the Flet version from pyproject.toml.' }
$fletVersion = "$fletVersion".Trim()

New-Item -ItemType Directory -Force -Path $BuildDir | Out-Null
$gitignore = Join-Path $BuildDir '.gitignore'
if (-not (Test-Path $gitignore)) {
    Set-Content -Path $gitignore -Value "# build output, never committed`n*" -Encoding ascii
}
$cliPython = Join-Path $CliVenv 'Scripts\python.exe'
if (-not (Test-Path $cliPython)) {
    Say "creating $CliVenv for flet-cli $fletVersion"
    Invoke-Checked $Python @('-m', 'venv', $CliVenv) 'creating the flet-cli virtual environment'
}
$installed = Invoke-Quiet $cliPython @('-c', 'import importlib.metadata as m; print(m.version(''flet-cli''))')
if ($LASTEXITCODE -ne 0 -or "$installed".Trim() -ne $fletVersion) {
    Say "installing flet[cli]==$fletVersion"
    Invoke-Checked $cliPython @('-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
        "flet[cli]==$fletVersion") 'pip install flet-cli'
}
$flet = Join-Path $CliVenv 'Scripts\flet.exe'
$flutterWanted = "$(& $cliPython -c 'import flet.version as v; print(v.flutter_version)')".Trim()
$flutterCmd = Get-Command flutter -ErrorAction SilentlyContinue
if ($flutterCmd) {
    $line = (Invoke-Quiet 'flutter' @('--version', '--no-version-check') |
        Select-String -Pattern '^Flutter (\d+\.\d+)' | Select-Object -First 1)
    $wantedMinor = ($flutterWanted -split '\.')[0..1] -join '.'
    if (-not $line -or $line.Matches[0].Groups[1].Value -ne $wantedMinor) {
        Warn "the Flutter on PATH is not $flutterWanted; flet build will download $flutterWanted into ~\flutter\ and use that."
    } else {
        Say "Flutter on PATH fits (Flet wants $flutterWanted)"
    }
} else {
    Say "no Flutter on PATH: flet build will download Flutter $flutterWanted into ~\flutter\"
}

# --- stage and build -------------------------------------------------------------------------
$stageArgs = @((Join-Path $Root 'build_scripts\stage_tablet.py'), '--out', $StageDir, '--api-url', $ApiUrl)
foreach ($p in $Pin) { $stageArgs += @('--pin', $p) }
Say "staging the tablet app into $StageDir"
Invoke-Checked $Python $stageArgs 'staging the tablet app'

$buildArgs = @('build', 'windows', $StageDir, '-o', $OutDir, '--yes', '--no-rich-output')
if ($env:REYON_ORG) { $buildArgs += @('--org', $env:REYON_ORG) }
if ($env:REYON_BUILD_NUMBER) {
    if ($env:REYON_BUILD_NUMBER -notmatch '^\d+$') { Fail 'REYON_BUILD_NUMBER must be a whole number.' }
    $buildArgs += @('--build-number', $env:REYON_BUILD_NUMBER)
}
if ($env:REYON_BUILD_VERSION) { $buildArgs += @('--build-version', $env:REYON_BUILD_VERSION) }
if ($env:REYON_PYTHON_VERSION) { $buildArgs += @('--python-version', $env:REYON_PYTHON_VERSION) }
if ($env:REYON_VERBOSE -eq '1') { $buildArgs += '-v' }
$buildArgs += $FletArgs

if ($DryRun) {
    Write-Host ("would run: `"$flet`" " + (($buildArgs | ForEach-Object { "`"$_`"" }) -join ' '))
    exit 0
}
Say "flet build windows (API $ApiUrl)"
Push-Location $Root
try {
    Invoke-Checked $flet $buildArgs 'flet build windows'
} finally {
    Pop-Location
}
Say "done: $OutDir (copy the whole folder; the program is the .exe in it)"
Get-ChildItem $OutDir | Format-Table -AutoSize -Property @('Name', 'Length')
