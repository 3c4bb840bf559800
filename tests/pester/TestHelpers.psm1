# Shared by the Pester suites: the built module, sample databases and backups at chosen times.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Import-BqBackupModule {
    Import-Module (Join-Path $script:RepoRoot 'out/BqBackup/BqBackup.psd1') -Force -Global
}

function New-SampleDatabase {
    param([string] $Path, [int] $Jobs = 300, [int] $MaxPayloadBytes = 2048)
    [BqBackup.Sample.SampleDatabase]::Create($Path, $Jobs, 1, $MaxPayloadBytes)
}

# Turns a real backup into one that looks taken $DaysAgo days ago: same bytes, older name and timestamp.
function Copy-BackupAsOf {
    param([Parameter(Mandatory)] $Backup, [Parameter(Mandatory)] [datetime] $TimestampUtc)
    $folder = $Backup.Destination
    $name = 'backup-{0}.db.gz' -f $TimestampUtc.ToString("yyyy-MM-dd'T'HH-mm-ss")
    Copy-Item (Join-Path $folder $Backup.Name) (Join-Path $folder $name)
    $meta = Get-Content -Raw (Join-Path $folder "$($Backup.Name).meta.json") | ConvertFrom-Json
    $meta.timestamp = $TimestampUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'")
    $meta | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $folder "$name.meta.json")
    $name
}

# Runs a command in a fresh pwsh with the module imported and returns everything it printed:
# -WhatIf and -Confirm texts go to the host, which no stream redirection in this process captures.
function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Command)
    $module = Join-Path $script:RepoRoot 'out/BqBackup/BqBackup.psd1'
    $script = "`$PSStyle.OutputRendering = 'PlainText'; Import-Module '$module'; $Command"
    $exe = [Environment]::ProcessPath
    $output = if ((Split-Path $exe -Leaf) -like 'dotnet*') {
        & $exe (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script 2>&1
    } else {
        & $exe -NoProfile -NonInteractive -Command $script 2>&1
    }
    ($output | Out-String)
}

function Get-FileSha256 { param([string] $Path) (Get-FileHash -Algorithm SHA256 $Path).Hash.ToLowerInvariant() }

Export-ModuleMember -Function Import-BqBackupModule, New-SampleDatabase, Copy-BackupAsOf, Get-FileSha256, Invoke-ChildPwsh
