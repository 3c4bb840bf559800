<#
.SYNOPSIS
    The long run of the random-kill driver: hundreds of random SIGKILLs against a folder and s3rver.
.EXAMPLE
    dotnet pwsh -NoProfile -File tests/stress/Invoke-RandomKill.ps1 -Steps 600
    dotnet pwsh -NoProfile -File tests/stress/Invoke-RandomKill.ps1 -Seed 1234 -Steps 40   # replay
#>
param([int] $Seed = (Get-Random -Maximum 1000000), [int] $Steps = 600, [int] $MaxDelayMilliseconds = 1500)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module (Join-Path $PSScriptRoot '../pester/TestHelpers.psm1') -Force
Import-BqBackupModule
Import-Module (Join-Path $PSScriptRoot 'RandomKill.psm1') -Force
$repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$work = New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bq-randomkill-$Seed-$([guid]::NewGuid().ToString('N'))")
Write-Host "random kill: seed $Seed, $Steps steps, work folder $work"
$server = Start-S3Server -Bucket 'bqkill' -Root $work.FullName
try {
    $run = Invoke-RandomKillRun -Seed $Seed -Steps $Steps -WorkDir $work.FullName -RepoRoot $repo -S3Server $server -MaxDelayMilliseconds $MaxDelayMilliseconds
    $run.Log | Set-Content (Join-Path $work 'steps.log')
    Write-Host ("seed {0}: {1} steps, {2} killed, {3} invariant violations" -f $run.Seed, $run.Steps, $run.Kills, $run.Violations.Count)
    $run.Violations | ForEach-Object { Write-Host "  $_" }
    if ($run.Violations.Count -gt 0) { exit 1 }
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
} finally { Stop-S3Server $server }
