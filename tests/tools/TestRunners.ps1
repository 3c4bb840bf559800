# The Test task's runners and their totals: xunit for the engine, Pester (in a child pwsh) for the
# module, summed into the one line CI reads. Dot-sourced by build.ps1 after Common.ps1; every
# function takes what it needs as parameters.

# Runs tests/BqBackup.Core.Tests and reads its counts from the TRX it writes.
function Invoke-XunitTests {
    param(
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [string] $Configuration,
        [Parameter(Mandatory)] [string] $ResultsDir,
        [string] $Filter
    )
    $trx = Join-Path $ResultsDir 'core.trx'
    if (Test-Path -LiteralPath $trx) { Remove-Item -LiteralPath $trx -Force }
    $arguments = @('test', (Join-Path $Root 'tests/BqBackup.Core.Tests'), '-c', $Configuration,
        '--logger', 'trx;LogFileName=core.trx', '--results-directory', $ResultsDir, '--nologo')
    if ($Filter) { $arguments += @('--filter', "FullyQualifiedName~$Filter") }

    $result = [ordered]@{ Runner = 'xunit'; Passed = 0; Failed = 0; Skipped = 0; Crashed = $false; Note = '' }
    Measure-Step 'xunit (tests/BqBackup.Core.Tests)' {
        Invoke-Native dotnet $arguments -AllowFailure
        $code = $LASTEXITCODE
        if (-not (Test-Path -LiteralPath $trx)) {
            $result.Crashed = $true
            $result.Note = "no TRX written (dotnet test exited $code)"
            return
        }
        $counters = ([xml](Get-Content -LiteralPath $trx -Raw)).TestRun.ResultSummary.Counters
        $n = { param($name) $v = $counters.GetAttribute($name); if ($v) { [int]$v } else { 0 } }
        $result.Passed  = & $n 'passed'
        $result.Failed  = (& $n 'failed') + (& $n 'error') + (& $n 'timeout') + (& $n 'aborted')
        # A skipped xunit test is counted in 'total' but not in 'executed' nor 'notExecuted'.
        $result.Skipped = [Math]::Max(0, (& $n 'total') - $result.Passed - $result.Failed)
        if ($code -ne 0 -and $result.Failed -eq 0) {
            $result.Crashed = $true
            $result.Note = "dotnet test exited $code with no failed test recorded"
        }
    }
    return [pscustomobject] $result
}

# Runs tests/pester in a child pwsh (tests/tools/Invoke-PesterSuite.ps1), which writes its counts as JSON.
function Invoke-PesterTests {
    param(
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [string] $ResultsDir,
        [string] $Filter
    )
    $json = Join-Path $ResultsDir 'pester-counts.json'
    $xml = Join-Path $ResultsDir 'pester.xml'
    foreach ($file in $json, $xml) { if (Test-Path -LiteralPath $file) { Remove-Item -LiteralPath $file -Force } }

    $result = [ordered]@{ Runner = 'Pester'; Passed = 0; Failed = 0; Skipped = 0; Crashed = $false; Note = '' }
    Measure-Step 'Pester (tests/pester, child pwsh)' {
        $arguments = @('-PesterManifest', (Get-PesterManifestPath $Root), '-TestPath', (Join-Path $Root 'tests/pester'),
            '-ResultXml', $xml, '-CountsJson', $json)
        if ($Filter) { $arguments += @('-Filter', $Filter) }
        $code = Invoke-ChildPwshFile -File (Join-Path $Root 'tests/tools/Invoke-PesterSuite.ps1') -ArgumentList $arguments
        if (-not (Test-Path -LiteralPath $json)) {
            $result.Crashed = $true
            $result.Note = "the Pester child wrote no counts (exit code $code)"
            return
        }
        $counts = Get-Content -LiteralPath $json -Raw | ConvertFrom-Json
        $result.Passed = [int] $counts.passed
        $result.Failed = [int] $counts.failed
        $result.Skipped = [int] $counts.skipped
        if (-not $Filter -and $result.Passed + $result.Failed -eq 0) {
            $result.Crashed = $true
            $result.Note = 'the Pester child ran no test'
        }
        if ($code -ne 0) {
            $result.Crashed = $true
            $result.Note = "the Pester child exited $code"
        }
    }
    return [pscustomobject] $result
}

# Runs both suites and prints one line per runner, then the closing line
# 'N passed, N failed, N skipped' summed over both. Returns the exit code: 1 on any failure, on a
# runner that crashed, or when no test ran at all.
function Invoke-TestSuites {
    param(
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [string] $Configuration,
        [Parameter(Mandatory)] [string] $ResultsDir,
        [string] $Filter,
        # Started by the caller, to report the whole task's time (prerequisites and build included).
        [System.Diagnostics.Stopwatch] $Stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
    )
    New-Item -ItemType Directory -Force -Path $ResultsDir | Out-Null
    # The tests' in-flight records (what a killed run would leave) stay out of the user's own state folder.
    $env:BQBACKUP_STATE_DIR = Join-Path $ResultsDir 'state'
    $runs = @(
        Invoke-XunitTests -Root $Root -Configuration $Configuration -ResultsDir $ResultsDir -Filter $Filter
        Invoke-PesterTests -Root $Root -ResultsDir $ResultsDir -Filter $Filter
    )

    foreach ($run in $runs) {
        $state = if ($run.Crashed) { "CRASHED: $($run.Note)" } else { 'completed' }
        Write-Host ('{0}: {1} passed, {2} failed, {3} skipped ({4})' -f $run.Runner, $run.Passed, $run.Failed, $run.Skipped, $state)
    }
    $passed  = ($runs | Measure-Object -Property Passed -Sum).Sum
    $failed  = ($runs | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($runs | Measure-Object -Property Skipped -Sum).Sum
    $crashed = @($runs | Where-Object Crashed).Count -gt 0
    Write-Host ('Test task took {0:N1} s; results in {1}' -f $Stopwatch.Elapsed.TotalSeconds, $ResultsDir)

    # The closing line, alone and plain: CI reads it.
    Write-Host ('{0} passed, {1} failed, {2} skipped' -f $passed, $failed, $skipped)
    if ($failed -gt 0 -or $crashed -or ($passed + $failed) -eq 0) { return 1 }
    return 0
}
