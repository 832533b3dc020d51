#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks the ModelOptimization module.
.DESCRIPTION
    One entry point with tasks, run on a machine that has only the .NET 10 SDK:

        dotnet tool restore; dotnet pwsh ./build.ps1 -Task Demo
        dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test

    Build    publishes an importable module folder to out/ModelOptimization (manifest, assemblies and their
             dependencies, format file, help), and installs the interop runtimes (npm ci in tests/Interop) when
             Node.js is present.
    Test     Build, then every xunit project, then the Pester suite in a child `pwsh -NoProfile -NonInteractive`.
             The interop suite (our exports run in LiteRT.js / tfjs-tflite) runs inside the xunit projects and
             skips, with its reason, where Node.js is missing. Ends with the line `N passed, N failed, N skipped`
             and exits non-zero when anything failed.
    Demo     The main job on bundled data (tests/Assets).
    Bench    BenchmarkDotNet benchmarks (tests/Benchmarks). -Filter narrows them, e.g. -Filter '*Gemm*'.
    Clean    Removes out/ and every bin/ and obj/.
.PARAMETER Task
    One or more tasks, run in order.
.PARAMETER Configuration
    Release (default) or Debug.
.PARAMETER Filter
    For Bench: a BenchmarkDotNet filter. For Test: a Pester tag filter is not offered; use Invoke-Pester directly.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    [string] $Filter = '*'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleDir = Join-Path $out 'ModelOptimization'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Invoke-Native {
    # Runs a native command and stops the build when it fails. A simple function on purpose: an advanced one
    # would bind the command's own switches (-c, -o, -v:q) as its common parameters.
    $File, $Arguments = $args
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$File $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Get-ModuleVersion {
    # The manifest is the only place the version is written.
    (Import-PowerShellDataFile (Join-Path $root 'ModelOptimization.psd1')).ModuleVersion
}

function Install-InteropRuntime {
    $interop = Join-Path $root 'tests/Interop'
    if (-not (Get-Command node -ErrorAction Ignore) -or -not (Get-Command npm -ErrorAction Ignore)) {
        Write-Warning 'Node.js/npm not found: the interop suite (LiteRT.js, tfjs-tflite) will be skipped.'
        return
    }
    if (-not (Test-Path (Join-Path $interop 'package-lock.json'))) { return }
    $stamp = Join-Path $interop 'node_modules/.installed-lock'
    $lock = Get-FileHash (Join-Path $interop 'package-lock.json')
    if ((Test-Path $stamp) -and (Get-Content $stamp -Raw).Trim() -eq $lock.Hash) { return }
    Write-Host 'Installing the interop runtimes (npm ci in tests/Interop)...'
    Push-Location $interop
    try { Invoke-Native npm ci --no-audit --no-fund --loglevel=error } finally { Pop-Location }
    Set-Content -Path $stamp -Value $lock.Hash
}

function Invoke-Build {
    $version = Get-ModuleVersion
    Write-Host "Building ModelOptimization $version ($Configuration)..."
    if (Test-Path $moduleDir) { Remove-Item $moduleDir -Recurse -Force }
    Invoke-Native dotnet build (Join-Path $root 'ModelOpt.sln') -c $Configuration "-p:Version=$version" --nologo --verbosity quiet '-clp:NoSummary;ErrorsOnly'
    Invoke-Native dotnet publish (Join-Path $root 'src/ModelOptimization.PowerShell/ModelOptimization.PowerShell.csproj') `
        -c $Configuration --no-build "-p:Version=$version" -o $moduleDir --nologo --verbosity quiet
    Copy-Item (Join-Path $root 'ModelOptimization.psd1') $moduleDir
    Remove-Item (Join-Path $moduleDir '*.pdb'), (Join-Path $moduleDir '*.deps.json') -ErrorAction Ignore
    # Native image-codec libraries: keep the platforms PowerShell 7 runs on, without their symbol files.
    $keep = 'linux-x64', 'linux-arm64', 'linux-musl-x64', 'osx', 'win-x64', 'win-arm64'
    Get-ChildItem (Join-Path $moduleDir 'runtimes') -Directory -ErrorAction Ignore |
        Where-Object Name -NotIn $keep | Remove-Item -Recurse -Force
    Get-ChildItem (Join-Path $moduleDir 'runtimes') -Recurse -Filter '*.pdb' -ErrorAction Ignore | Remove-Item -Force
    $helpScript = Join-Path $root 'src/ModelOptimization.PowerShell/Help/Build-Help.ps1'
    if (Test-Path $helpScript) {
        Invoke-Native (Get-PwshPath) -NoProfile -NonInteractive -File $helpScript -ModulePath $moduleDir
    }
    Install-InteropRuntime
    Write-Host "Module: $moduleDir"
}

function Get-PwshPath {
    # The pwsh running this script (the local .NET tool under `dotnet pwsh`, or an installed one).
    $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ((Split-Path $self -Leaf) -match '^pwsh(\.exe)?$') { return $self }
    $cmd = Get-Command pwsh -ErrorAction Ignore
    if ($cmd) { return $cmd.Source }
    throw 'pwsh not found; run the build as `dotnet tool restore; dotnet pwsh ./build.ps1`.'
}

function Get-PesterPath {
    $nugetRoot = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $path = Join-Path $nugetRoot 'pester/6.2.0/tools/Pester.psd1'
    if (-not (Test-Path $path)) {
        Invoke-Native dotnet restore (Join-Path $root 'tests/Pester/ModelOptimization.Pester.csproj') --nologo --verbosity quiet
    }
    if (-not (Test-Path $path)) { throw "Pester 6.2.0 was not restored to $path." }
    $path
}

function Invoke-Test {
    Invoke-Build
    $results = Join-Path $out 'TestResults'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    $totals = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    $failedSuites = @()

    $testProjects = Get-ChildItem (Join-Path $root 'tests') -Recurse -Filter '*.Tests.csproj'
    foreach ($project in $testProjects) {
        $name = $project.BaseName
        Write-Host "`n== xunit: $name"
        & dotnet test $project.FullName -c $Configuration --no-build --nologo --verbosity quiet `
            --logger "trx;LogFileName=$name.trx" --logger 'console;verbosity=minimal' --results-directory $results
        $exit = $LASTEXITCODE
        $trx = Join-Path $results "$name.trx"
        if (Test-Path $trx) {
            [xml] $doc = Get-Content $trx -Raw
            # Count outcomes from the results themselves: the summary counters leave skipped tests out.
            $outcomes = @($doc.TestRun.Results.UnitTestResult | ForEach-Object outcome)
            $passed = @($outcomes | Where-Object { $_ -eq 'Passed' }).Count
            $skipped = @($outcomes | Where-Object { $_ -eq 'NotExecuted' }).Count
            $failed = $outcomes.Count - $passed - $skipped
            $totals.Passed += $passed; $totals.Failed += $failed; $totals.Skipped += $skipped
            Write-Host ("   {0}: {1} passed, {2} failed, {3} skipped" -f $name, $passed, $failed, $skipped)
        }
        if ($exit -ne 0 -or -not (Test-Path $trx)) {
            $failedSuites += $name
            if (-not (Test-Path $trx)) { $totals.Failed += 1 }
        }
    }

    Write-Host "`n== Pester"
    $pester = Get-PesterPath
    $summary = Join-Path $results 'pester-summary.json'
    $pesterScript = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester' -MinimumVersion 6.2.0
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $root 'tests/Pester')'
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Normal'
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputPath = '$(Join-Path $results 'pester.xml')'
`$r = Invoke-Pester -Configuration `$c
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount + `$r.NotRunCount } |
    ConvertTo-Json | Set-Content '$summary'
"@
    $env:MODELOPT_MODULE_PATH = Join-Path $moduleDir 'ModelOptimization.psd1'
    & (Get-PwshPath) -NoProfile -NonInteractive -Command $pesterScript
    if (Test-Path $summary) {
        $p = Get-Content $summary -Raw | ConvertFrom-Json
        $totals.Passed += $p.Passed; $totals.Failed += $p.Failed; $totals.Skipped += $p.Skipped
        if ($p.Failed -gt 0) { $failedSuites += 'Pester' }
    } else {
        $failedSuites += 'Pester'
        $totals.Failed += 1
    }

    Write-Host ''
    if ($failedSuites) { Write-Host "Failed suites: $($failedSuites -join ', ')" }
    Write-Host ("{0} passed, {1} failed, {2} skipped" -f $totals.Passed, $totals.Failed, $totals.Skipped)
    if ($totals.Failed -gt 0 -or $failedSuites) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    $demo = Join-Path $root 'tests/Assets/Demo.ps1'
    & (Get-PwshPath) -NoProfile -NonInteractive -File $demo -ModulePath (Join-Path $moduleDir 'ModelOptimization.psd1')
    if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
}

function Invoke-Bench {
    Invoke-Build
    Install-InteropRuntime
    $bench = Join-Path $root 'tests/Benchmarks/ModelOptimization.Benchmarks.csproj'
    Invoke-Native dotnet run --project $bench -c Release --nologo -- --filter $Filter
}

function Invoke-Clean {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    Get-ChildItem $root -Recurse -Directory -Include bin, obj | Where-Object FullName -NotMatch 'node_modules' |
        Remove-Item -Recurse -Force
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
        'Clean' { Invoke-Clean }
    }
}
