# Kill at random moments, not only at fail points: a seeded driver starts backups, restores and
# expiries against a folder and an S3 server in child processes, kills them with SIGKILL after a
# random delay, and after every step checks what must hold whatever the moment of the kill:
#   - the live database is the old one or the new one, and passes integrity_check;
#   - every listed backup with Status Ok passes Test-BqBackup;
#   - no committed backup disappears except by retention (an expiry keeps the newest -KeepLast);
#   - after the next run that completes, nothing a killed run left remains: no partial bodies in
#     the folder (backups and expiries), no scratch folders in TMPDIR (every kind), no restore temp
#     files beside the database (restores). The runs share one BQBACKUP_STATE_DIR, as runs of one
#     user on one machine share theirs.
# The seed is printed first so a failing sequence can be replayed exactly.

$script:KeepLast = 3

function New-KillRng([int] $Seed) { [System.Random]::new($Seed) }

# The command a child runs for one operation, and what the driver must know to check it.
function Get-KillOperation {
    param([Parameter(Mandatory)] [string] $Kind, [Parameter(Mandatory)] $Context)
    $target = if ($Kind -like '*-s3') { 's3' } else { 'folder' }
    $dest = $Context.Destinations[$target]
    $s3 = if ($target -eq 's3') { " -EndpointUrl '$($Context.S3.Endpoint)' -Region us-east-1 -AccessKey S3RVER -SecretKey S3RVER" } else { '' }
    $command = switch -Wildcard ($Kind) {
        'backup-*'  { "New-BqBackup -Path '$($Context.Live)' -Destination '$dest'$s3" }
        'restore-*' { "Restore-BqBackup -Path '$($Context.Live)' -Destination '$dest' -Latest -Confirm:`$false$s3" }
        'expire-*'  { "Remove-BqBackupExpired -Destination '$dest' -KeepLast $script:KeepLast -Confirm:`$false$s3" }
    }
    [pscustomobject]@{ Kind = $Kind; Target = $target; Destination = $dest; Command = $command; S3 = $s3 }
}

# Starts the child; it writes $ready once the module is imported, so the random delay counts
# from the start of the operation itself, not from pwsh's start-up.
function Start-KillChild {
    param([Parameter(Mandatory)] $Operation, [Parameter(Mandatory)] $Context, [Parameter(Mandatory)] [string] $Ready)
    $module = Join-Path $Context.RepoRoot 'out/BqBackup/BqBackup.psd1'
    $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$module'; [IO.File]::WriteAllText('$Ready', 'go'); $($Operation.Command) | Out-Null"
    $exe = [Environment]::ProcessPath
    [string[]] $arguments = if ((Split-Path $exe -Leaf) -like 'dotnet*') { @((Join-Path $PSHOME 'pwsh.dll')) } else { @() }
    $arguments += @('-NoProfile', '-NonInteractive', '-Command', $script)
    $info = [System.Diagnostics.ProcessStartInfo]::new($exe)
    foreach ($a in $arguments) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $info.Environment['TMPDIR'] = $Context.TempDir
    # The runs' own in-flight records, where the next run finds what a killed one left.
    $info.Environment['BQBACKUP_STATE_DIR'] = $Context.StateDir
    [System.Diagnostics.Process]::Start($info)
}

function Get-LiveState([string] $Path) {
    if (-not (Test-Path -LiteralPath $Path)) { return [pscustomobject]@{ Exists = $false; Sha = $null; Integrity = 'missing' } }
    $sha = (Get-FileHash -Algorithm SHA256 -LiteralPath $Path).Hash.ToLowerInvariant()
    $integrity = (& sqlite3 -readonly $Path 'PRAGMA integrity_check' 2>&1) -join ' '
    [pscustomobject]@{ Exists = $true; Sha = $sha; Integrity = $integrity }
}

function Get-Listed([string] $Destination, [string] $S3Args, $Context) {
    $params = @{ Destination = $Destination; ErrorAction = 'SilentlyContinue' }
    if ($S3Args) { $params += $Context.S3Params }
    @(Get-BqBackup @params)
}

# What a killed run may leave for the next run of its own kind to clean.
function Get-Leftovers {
    param([Parameter(Mandatory)] $Context, [string] $Scope)
    $found = [System.Collections.Generic.List[string]]::new()
    if ($Scope -in 'folder', 'any') {
        if (Test-Path $Context.Destinations.folder) {
            Get-ChildItem -Force -LiteralPath $Context.Destinations.folder | Where-Object Name -like '*.partial-*' | ForEach-Object { $found.Add("partial body $($_.Name)") }
        }
    }
    if ($Scope -in 'temp', 'any') {
        Get-ChildItem -Force -LiteralPath $Context.TempDir -Filter 'bqbackup-*' -ErrorAction SilentlyContinue | ForEach-Object { $found.Add("scratch folder $($_.Name)") }
    }
    if ($Scope -in 'live', 'any') {
        Get-ChildItem -Force -LiteralPath (Split-Path $Context.Live) -Filter '.*bqrestore*' -ErrorAction SilentlyContinue | ForEach-Object { $found.Add("restore temp $($_.Name)") }
    }
    , $found
}

<#
.SYNOPSIS
    Runs $Steps random operations with random SIGKILLs and returns every invariant violation.
#>
function Invoke-RandomKillRun {
    param(
        [Parameter(Mandatory)] [int] $Seed,
        [int] $Steps = 30,
        [Parameter(Mandatory)] [string] $WorkDir,
        [Parameter(Mandatory)] [string] $RepoRoot,
        [Parameter(Mandatory)] $S3Server,
        # The longest random delay after the child is ready; operations on the sample take ~0.2–1 s.
        [int] $MaxDelayMilliseconds = 1500,
        [int] $Jobs = 3000
    )
    $rng = New-KillRng $Seed
    $context = [pscustomobject]@{
        RepoRoot = $RepoRoot
        Live = Join-Path $WorkDir 'live/queue.db'
        TempDir = (New-Item -ItemType Directory -Force (Join-Path $WorkDir 'tmp')).FullName
        StateDir = Join-Path $WorkDir 'state'
        Destinations = @{ folder = Join-Path $WorkDir 'backups'; s3 = "s3://$($S3Server.Bucket)/kill-$Seed/" }
        S3 = $S3Server
        S3Params = @{ EndpointUrl = $S3Server.Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
    }
    New-Item -ItemType Directory -Force (Split-Path $context.Live) | Out-Null
    [BqBackup.Sample.SampleDatabase]::Create($context.Live, $Jobs, 1, 4096) | Out-Null
    # Start from one good backup in each store, so restores have something to restore.
    New-BqBackup -Path $context.Live -Destination $context.Destinations.folder | Out-Null
    $s3Params = $context.S3Params
    New-BqBackup -Path $context.Live -Destination $context.Destinations.s3 @s3Params | Out-Null

    $violations = [System.Collections.Generic.List[string]]::new()
    $log = [System.Collections.Generic.List[string]]::new()
    $kinds = 'backup-folder', 'backup-s3', 'restore-folder', 'restore-s3', 'expire-folder', 'expire-s3'
    $committed = @{ folder = @{}; s3 = @{} }
    foreach ($target in 'folder', 's3') {
        $s3Args = if ($target -eq 's3') { 'yes' } else { '' }
        foreach ($b in Get-Listed $context.Destinations[$target] $s3Args $context) { if ($b.Status -eq 'Ok') { $committed[$target][$b.Name] = $b } }
    }
    $kills = 0

    for ($step = 1; $step -le $Steps; $step++) {
        $kind = $kinds[$rng.Next($kinds.Count)]
        # One step in four runs to its end: completed runs are where leftovers of killed ones must be gone.
        $delay = if ($rng.Next(4) -eq 0) { [int]::MaxValue } else { $rng.Next($MaxDelayMilliseconds + 1) }
        $op = Get-KillOperation -Kind $kind -Context $context
        $s3Args = $op.S3
        $before = Get-LiveState $context.Live
        $newest = (Get-Listed $op.Destination $s3Args $context | Where-Object Status -eq 'Ok' | Select-Object -First 1)
        $ready = Join-Path $WorkDir "ready-$step"

        $child = Start-KillChild -Operation $op -Context $context -Ready $ready
        $stdout = $child.StandardOutput.ReadToEndAsync(); $stderr = $child.StandardError.ReadToEndAsync()
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while (-not (Test-Path $ready) -and -not $child.HasExited -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 10 }
        $killed = $false
        if (-not $child.WaitForExit([Math]::Min($delay, 120000))) {
            Send-KillSignal $child.Id
            $killed = $true; $kills++
        }
        $child.WaitForExit()
        $exit = $child.ExitCode
        $line = "step ${step} seed ${Seed}: ${kind} $(if ($delay -eq [int]::MaxValue) { 'to its end' } else { "after $delay ms" }): $(if ($killed) { 'KILLED' } else { "exit $exit" })"
        $log.Add($line)
        if (-not $killed -and $exit -ne 0) {
            $violations.Add("$line — the run failed on its own: $(($stderr.Result + $stdout.Result).Trim())")
        }

        # 1. The live database: the old one or the one restored, intact.
        $after = Get-LiveState $context.Live
        $allowed = @($before.Sha)
        if ($kind -like 'restore-*' -and $newest) { $allowed += $newest.Sha256 }
        if (-not $after.Exists) { $violations.Add("$line — the live database is gone") }
        elseif ($after.Sha -notin $allowed) { $violations.Add("$line — the live database is neither the old one nor the backup restored (sha $($after.Sha))") }
        elseif ($after.Integrity -ne 'ok') { $violations.Add("$line — the live database fails integrity_check: $($after.Integrity)") }

        # 2 and 3, for the store the step touched: Ok backups pass Test-BqBackup; none vanish but by retention.
        $listed = @(Get-Listed $op.Destination $s3Args $context | Where-Object Status -eq 'Ok')
        $names = @{}; foreach ($b in $listed) { $names[$b.Name] = $b }
        $previous = $committed[$op.Target]
        $mayGo = @()
        if ($kind -like 'expire-*') {
            $mayGo = @($previous.Values | Sort-Object Timestamp -Descending | Select-Object -Skip $script:KeepLast | ForEach-Object Name)
        }
        foreach ($name in @($previous.Keys)) {
            if (-not $names.ContainsKey($name) -and $name -notin $mayGo) { $violations.Add("$line — committed backup '$name' disappeared") }
        }
        foreach ($b in $listed) {
            if ($previous.ContainsKey($b.Name)) { continue }
            $testParams = @{ Destination = $op.Destination; Name = $b.Name; ErrorAction = 'SilentlyContinue'; ErrorVariable = 'testErrors' }
            if ($s3Args) { $testParams += $context.S3Params }
            $result = Test-BqBackup @testParams
            if (-not $result -or -not $result.Passed) { $violations.Add("$line — listed backup '$($b.Name)' does not pass Test-BqBackup: $($result.Reasons) $testErrors") }
        }
        $committed[$op.Target] = $names

        # 4. A run that completed leaves nothing of its own kind behind, killed runs' leftovers included.
        if (-not $killed -and $exit -eq 0) {
            $scopes = switch -Wildcard ($kind) { 'backup-folder' { 'folder', 'temp' } 'backup-s3' { 'temp' } 'restore-*' { 'temp', 'live' } 'expire-folder' { 'folder', 'temp' } 'expire-s3' { 'temp' } default { @() } }
            foreach ($scope in $scopes) {
                foreach ($left in (Get-Leftovers -Context $context -Scope $scope)) { $violations.Add("$line — left behind after a completed run: $left") }
            }
        }
        Remove-Item -Force $ready -ErrorAction SilentlyContinue
    }
    [pscustomobject]@{ Seed = $Seed; Steps = $Steps; Kills = $kills; Violations = $violations; Log = $log }
}

function Send-KillSignal([int] $ProcessId) {
    if (-not ('BqKill.Posix' -as [type])) {
        Add-Type -Namespace BqKill -Name Posix -MemberDefinition '[System.Runtime.InteropServices.DllImport("libc", SetLastError = true)] public static extern int kill(int pid, int sig);'
    }
    [BqKill.Posix]::kill($ProcessId, 9) | Out-Null
}

Export-ModuleMember -Function Invoke-RandomKillRun
