<#
.SYNOPSIS
    The main job, end to end: back up a bunqueue database, list the backups, verify and restore
    the newest into a scratch path, and show what each step returned.
.DESCRIPTION
    Run by `build.ps1 -Task Demo` after the module is built. With no -Path it makes a small sample
    bunqueue-shaped database; with no -Destination it backs up into a local folder under out/demo.
#>
param(
    [string] $Path,
    [string] $Destination
)
$ErrorActionPreference = 'Stop'
if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }
$root = Split-Path $PSScriptRoot -Parent
Import-Module (Join-Path $root 'out/BqBackup/BqBackup.psd1') -Force

$work = Join-Path $root 'out/demo'
New-Item -ItemType Directory -Force $work | Out-Null
if (-not $Path) {
    $Path = Join-Path $work 'queue.db'
    if (-not (Test-Path $Path)) {
        Write-Host "No -Path given: writing a sample bunqueue database to $Path"
        [BqBackup.Sample.SampleDatabase]::Create($Path, 2000, 1, 2048) | Out-Null
    }
}
if (-not $Destination -and -not $env:S3_BUCKET) { $Destination = Join-Path $work 'backups' }
$destinationArgs = if ($Destination) { @{ Destination = $Destination } } else { @{} }

Write-Host "`n== New-BqBackup -Path $Path $(if ($Destination) { "-Destination $Destination" })"
$backup = New-BqBackup -Path $Path @destinationArgs
$backup | Format-List | Out-Host

Write-Host "== Get-BqBackup"
Get-BqBackup @destinationArgs | Format-Table | Out-Host

$scratch = Join-Path $work 'restore/queue.db'
New-Item -ItemType Directory -Force (Split-Path $scratch) | Out-Null
Write-Host "== Get-BqBackup -Latest | Restore-BqBackup -Path $scratch -Confirm:`$false"
$result = Get-BqBackup @destinationArgs -Latest | Restore-BqBackup -Path $scratch -Confirm:$false
$result | Format-List | Out-Host

Write-Host "== Remove-BqBackupExpired -WhatIf (default retention: S3_BACKUP_RETENTION days, else 7)"
Remove-BqBackupExpired @destinationArgs -WhatIf

if (-not $result.ChecksumVerified -or $result.IntegrityCheck -ne 'ok') { throw 'The restored copy did not verify.' }
Write-Host "`nDone: backup '$($backup.Name)' restored to '$scratch' with its checksum verified and integrity_check ok."
