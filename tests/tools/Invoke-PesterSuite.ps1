<#
.SYNOPSIS
    Runs tests/pester with the Pester restored into .tools and writes its counts as JSON.

.DESCRIPTION
    Run by build.ps1 -Task Test (tests/tools/TestRunners.ps1) in a child pwsh, so the module the
    tests import is never loaded into the build's own process. A file that failed to load or run,
    or a block whose BeforeAll/AfterAll failed, counts as one failure more, unless tests inside it
    are already marked failed (a failing BeforeAll fails them).
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string[]] $TestPath,
    [Parameter(Mandatory)] [string] $ResultXml,
    [Parameter(Mandatory)] [string] $CountsJson,
    [string] $Filter
)
$ErrorActionPreference = 'Stop'
if (Get-Variable -Name PSStyle -ErrorAction Ignore) { $PSStyle.OutputRendering = 'PlainText' }
Import-Module -Name $PesterManifest -Force

$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultXml
if ($Filter) { $config.Filter.FullName = "*$Filter*" }

$r = Invoke-Pester -Configuration $config

$failed = $r.FailedCount + @(@($r.FailedContainers) + @($r.FailedBlocks) | Where-Object { $_ -and -not $_.FailedCount }).Count
# A run Pester itself calls failed (its result export crashed, a container it could not count) is
# never reported as clean.
if ("$($r.Result)" -eq 'Failed' -and $failed -eq 0) { $failed = 1 }
[pscustomobject]@{
    passed  = $r.PassedCount
    failed  = $failed
    skipped = $r.SkippedCount + $r.InconclusiveCount
    result  = "$($r.Result)"
} | ConvertTo-Json | Set-Content -LiteralPath $CountsJson -Encoding utf8
exit 0
