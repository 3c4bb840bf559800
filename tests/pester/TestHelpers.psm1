# Shared by the Pester suites: the built module, sample databases and backups at chosen times.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Import-BqBackupModule {
    Import-Module (Join-Path $script:RepoRoot 'out/BqBackup/BqBackup.psd1') -Force -Global
}

function New-SampleDatabase {
    param([string] $Path, [int] $Jobs = 300, [int] $MaxPayloadBytes = 2048)
    [BqBackup.Sample.SampleDatabase]::Create($Path, $Jobs, 1, $MaxPayloadBytes)
}

# A type of the module's assemblies that is not part of its interface (internal): for tests of
# internals only, found among the loaded assemblies (whatever load context holds them).
function Get-BqInternalType {
    param([Parameter(Mandatory)] [string] $Name)
    $type = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'BqBackup', 'BqBackup.Core' } |
        ForEach-Object { $_.GetType($Name, $false) } | Where-Object { $_ } | Select-Object -First 1
    if (-not $type) { throw "The module's assemblies have no type '$Name' (is the module imported?)." }
    $type
}

# Reads a static property, or calls a static method, of an internal type by reflection: the
# arguments converted as PowerShell would, optional parameters left out take their defaults, and
# the method's own exception thrown (not reflection's wrapper).
function Invoke-BqInternal {
    param([Parameter(Mandatory)] [string] $Type, [Parameter(Mandatory)] [string] $Member, [object[]] $Arguments = @())
    $t = Get-BqInternalType $Type
    $flags = [Reflection.BindingFlags] 'Static, Public, NonPublic'
    $property = $t.GetProperty($Member, $flags)
    if ($property) { return $property.GetValue($null) }
    $method = $t.GetMethods($flags) | Where-Object { $_.Name -eq $Member -and $_.GetParameters().Count -ge $Arguments.Count } |
        Sort-Object { $_.GetParameters().Count } | Select-Object -First 1
    if (-not $method) { throw "$Type has no static member '$Member' taking $($Arguments.Count) arguments." }
    $parameters = $method.GetParameters()
    $values = [object[]]::new($parameters.Count)
    for ($i = 0; $i -lt $parameters.Count; $i++) {
        $values[$i] = if ($i -lt $Arguments.Count) { [System.Management.Automation.LanguagePrimitives]::ConvertTo($Arguments[$i], $parameters[$i].ParameterType) } else { $parameters[$i].DefaultValue }
    }
    try { $method.Invoke($null, $values) }
    catch [System.Reflection.TargetInvocationException] { throw $_.Exception.InnerException }
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

$script:NodeModules = Join-Path $script:RepoRoot 'tests/node/node_modules'

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

# A real S3 server (s3rver, from npm) on loopback, with one bucket; the pid we hold is the server's.
function Start-S3Server {
    param([string] $Bucket = 'bqtest', [string] $Root = [IO.Path]::GetTempPath())
    $port = Get-FreeTcpPort
    $dir = New-Item -ItemType Directory (Join-Path $Root "s3rver-$port-$([guid]::NewGuid().ToString('N'))")
    $log = Join-Path $Root "s3rver-$port"
    $process = Start-Process -FilePath node -PassThru -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err" -ArgumentList @(
        '--openssl-legacy-provider', (Join-Path $script:NodeModules 's3rver/bin/s3rver.js'),
        '-d', $dir.FullName, '-a', '127.0.0.1', '-p', $port, '--silent', '--configure-bucket', $Bucket)
    $deadline = [datetime]::UtcNow.AddSeconds(20)
    while ($true) {
        try { $client = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $port); $client.Dispose(); break }
        catch { if ([datetime]::UtcNow -gt $deadline) { Stop-Process $process -Force; throw "s3rver did not start on port $port" }; Start-Sleep -Milliseconds 100 }
    }
    [pscustomobject]@{ Process = $process; Port = $port; Endpoint = "http://127.0.0.1:$port"; Bucket = $Bucket; Directory = $dir.FullName; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
}

# A second "provider": s3rver answering only to its own access key (tests/node/scripts/s3rver-account.cjs).
# s3rver checks the access key id, never the signature: a test proves the right key id reaches the
# right server, not that the secret is checked. Stop it with Stop-S3Server; Invoke-Aws uses its keys.
function Start-S3rverWithCredentials {
    param([Parameter(Mandatory)] [string] $AccessKey, [Parameter(Mandatory)] [string] $SecretKey,
          [string] $Bucket = 'bqtest', [string] $Root = [IO.Path]::GetTempPath())
    $port = Get-FreeTcpPort
    $dir = New-Item -ItemType Directory (Join-Path $Root "s3rver-$port-$([guid]::NewGuid().ToString('N'))")
    $log = Join-Path $Root "s3rver-$port"
    $process = Start-Process -FilePath node -PassThru -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err" -ArgumentList @(
        '--openssl-legacy-provider', (Join-Path $script:RepoRoot 'tests/node/scripts/s3rver-account.cjs'), $AccessKey, $SecretKey,
        '-d', $dir.FullName, '-a', '127.0.0.1', '-p', $port, '--silent', '--configure-bucket', $Bucket)
    $deadline = [datetime]::UtcNow.AddSeconds(20)
    while ($true) {
        try { $client = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $port); $client.Dispose(); break }
        catch { if ([datetime]::UtcNow -gt $deadline) { Stop-Process $process -Force; throw "s3rver did not start on port $port" }; Start-Sleep -Milliseconds 100 }
    }
    [pscustomobject]@{ Process = $process; Port = $port; Endpoint = "http://127.0.0.1:$port"; Bucket = $Bucket; Directory = $dir.FullName
                       AccessKey = $AccessKey; SecretKey = $SecretKey
                       S3Parameters = @{ EndpointUrl = "http://127.0.0.1:$port"; Region = 'us-east-1'; AccessKey = $AccessKey; SecretKey = $SecretKey } }
}

function Stop-S3Server {
    param($Server)
    if ($Server -and -not $Server.Process.HasExited) { Stop-Process -Id $Server.Process.Id -Force; $Server.Process.WaitForExit(5000) | Out-Null }
    if ($Server) { Remove-Item -Recurse -Force $Server.Directory -ErrorAction SilentlyContinue }
}

# Runs a script block with environment variables set, and puts the old values back after.
function Invoke-WithEnvironment {
    param([Parameter(Mandatory)] [hashtable] $Variables, [Parameter(Mandatory)] [scriptblock] $Script)
    # $null unsets: PowerShell hands a $null to a .NET string parameter as "", which would leave the
    # variable set to an empty value (children then read "" where they expect their default).
    function Set-ProcessVariable([string] $name, $value) {
        if ($null -eq $value) { Remove-Item -LiteralPath "Env:$name" -ErrorAction Ignore } else { Set-Item -LiteralPath "Env:$name" -Value $value }
    }
    $saved = @{}
    foreach ($name in $Variables.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); Set-ProcessVariable $name $Variables[$name] }
    try { & $Script } finally { foreach ($name in $saved.Keys) { Set-ProcessVariable $name $saved[$name] } }
}

# bunqueue's own S3 settings, pointed at the test server.
function Get-BunqueueS3Environment {
    param([Parameter(Mandatory)] $Server, [string] $Prefix = 'backups/')
    @{ S3_BACKUP_ENABLED = '1'; S3_BUCKET = $Server.Bucket; S3_ENDPOINT = $Server.Endpoint; S3_REGION = 'us-east-1'
       S3_ACCESS_KEY_ID = 'S3RVER'; S3_SECRET_ACCESS_KEY = 'S3RVER'; S3_BACKUP_PREFIX = $Prefix }
}

# Debian's awscli, the independent client: what it sees is what really landed.
function Invoke-Aws {
    param([Parameter(Mandatory)] $Server, [Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    $key = if ($Server.AccessKey) { $Server.AccessKey } else { 'S3RVER' }
    $secret = if ($Server.SecretKey) { $Server.SecretKey } else { 'S3RVER' }
    Invoke-WithEnvironment @{ AWS_ACCESS_KEY_ID = $key; AWS_SECRET_ACCESS_KEY = $secret; AWS_DEFAULT_REGION = 'us-east-1' } {
        $out = & /usr/bin/aws --endpoint-url $Server.Endpoint @Arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "aws $Arguments failed: $out" }
        $out
    }
}

# bunqueue's CLI (`bunqueue backup now|list|restore`), on bun from npm, configured by environment as bunqueue is.
function Invoke-BunqueueCli {
    param([Parameter(Mandatory)] [hashtable] $Environment, [Parameter(Mandatory)] [string[]] $Arguments)
    Invoke-WithEnvironment $Environment {
        $out = & (Join-Path $script:NodeModules '.bin/bun') (Join-Path $script:NodeModules 'bunqueue/dist/cli/index.js') @Arguments --json 2>&1
        $text = ($out | Out-String)
        if ($LASTEXITCODE -ne 0) { throw "bunqueue $Arguments failed ($LASTEXITCODE): $text" }
        $text | ConvertFrom-Json
    }
}

function Get-FileSha256 { param([string] $Path) (Get-FileHash -Algorithm SHA256 $Path).Hash.ToLowerInvariant() }

Export-ModuleMember -Function Import-BqBackupModule, Get-BqInternalType, Invoke-BqInternal, New-SampleDatabase, Copy-BackupAsOf, Get-FileSha256, Invoke-ChildPwsh, Get-FreeTcpPort, Start-S3Server, Stop-S3Server, Invoke-WithEnvironment, Get-BunqueueS3Environment, Invoke-Aws, Invoke-BunqueueCli

# ---------------------------------------------------------------------------------------------
# A real bunqueue server (bun + bunqueue from npm) on loopback, and the bun scripts in
# tests/node/scripts that drive it through bunqueue/client.
# ---------------------------------------------------------------------------------------------

$script:BunExe = Join-Path $script:NodeModules '.bin/bun'
$script:BunqueueCli = Join-Path $script:NodeModules 'bunqueue/dist/cli/index.js'
$script:NodeScripts = Join-Path $script:RepoRoot 'tests/node/scripts'
# Every server Start-BunqueueServer started in this session: Stop-BunqueueServer -All ends those still running.
$script:BunqueueServers = [System.Collections.Generic.List[object]]::new()
# Every writer Start-BunqueueWriter started: Stop-BunqueueWriter -All kills those still running.
$script:BunqueueWriters = [System.Collections.Generic.List[object]]::new()

function Get-EpochMilliseconds { [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() }

# Sends a POSIX signal (TERM, KILL) to one process, by its pid.
function Send-Signal {
    param([Parameter(Mandatory)] [int] $ProcessId, [ValidateSet('TERM', 'KILL')] [string] $Signal = 'TERM')
    $kill = Get-Command kill -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($kill) { & $kill.Source -s $Signal $ProcessId 2>$null | Out-Null; return }
    if (-not ('BqTest.Posix' -as [type])) {
        Add-Type -Namespace BqTest -Name Posix -MemberDefinition '[System.Runtime.InteropServices.DllImport("libc", SetLastError = true)] public static extern int kill(int pid, int sig);'
    }
    [BqTest.Posix]::kill($ProcessId, $(if ($Signal -eq 'KILL') { 9 } else { 15 })) | Out-Null
}

# GET http://127.0.0.1:<port><path>: the status code, or 0 when nothing answers within the timeout.
function Invoke-LoopbackGet {
    param([Parameter(Mandatory)] [int] $Port, [string] $Path = '/ready', [int] $TimeoutMilliseconds = 1000)
    $client = [System.Net.Http.HttpClient]::new()
    $client.Timeout = [TimeSpan]::FromMilliseconds($TimeoutMilliseconds)
    try { [int] $client.GetAsync("http://127.0.0.1:$Port$Path").GetAwaiter().GetResult().StatusCode }
    catch { 0 }
    finally { $client.Dispose() }
}

function Test-BunqueueReady { param([Parameter(Mandatory)] $Server) (Invoke-LoopbackGet -Port $Server.HttpPort -Path '/ready') -eq 200 }

# Starts `bunqueue start` on free loopback ports with --data-path, waits until GET /ready answers
# 200 (bounded), and returns { Pid, Process, TcpPort, HttpPort, DataPath, Log }. Its output goes to
# <LogDirectory>/bunqueue-<tcp port>.out/.err (default: beside the data file's folder, not in it).
function Start-BunqueueServer {
    param(
        [Parameter(Mandatory)] [string] $DataPath,
        [string] $LogDirectory,
        [int] $TimeoutSeconds = 20
    )
    $DataPath = [IO.Path]::GetFullPath($DataPath)
    $folder = Split-Path $DataPath -Parent
    if (-not (Test-Path -LiteralPath $folder)) { New-Item -ItemType Directory -Force -Path $folder | Out-Null }
    if (-not $LogDirectory) { $LogDirectory = Split-Path $folder -Parent }
    $tcp = Get-FreeTcpPort
    do { $http = Get-FreeTcpPort } while ($http -eq $tcp)
    $log = Join-Path $LogDirectory "bunqueue-$tcp"
    # No S3 backup of bunqueue's own, whatever this process's environment says.
    $process = Invoke-WithEnvironment @{ S3_BACKUP_ENABLED = $null; NO_COLOR = '1' } {
        Start-Process -FilePath $script:BunExe -PassThru -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err" -ArgumentList @(
            $script:BunqueueCli, 'start', '--host', '127.0.0.1', '--tcp-port', $tcp, '--http-port', $http, '--data-path', $DataPath)
    }
    $server = [pscustomobject]@{ Pid = $process.Id; Process = $process; TcpPort = $tcp; HttpPort = $http; DataPath = $DataPath; Log = $log }
    $script:BunqueueServers.Add($server)
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    for ($i = 0; $i -lt 10000; $i++) {
        if (Test-BunqueueReady $server) { return $server }
        if ($process.HasExited -or [datetime]::UtcNow -gt $deadline) {
            Stop-BunqueueServer $server -Kill
            $err = if (Test-Path "$log.err") { Get-Content -Raw "$log.err" } else { '' }
            throw "bunqueue did not become ready on 127.0.0.1:$http within $TimeoutSeconds s (exited: $($process.HasExited)). stderr: $err"
        }
        Start-Sleep -Milliseconds 50
    }
}

# Stops a server: SIGTERM (bunqueue flushes, checkpoints and closes), waits up to -TimeoutSeconds,
# then SIGKILL. -Kill sends SIGKILL at once (a crash: -wal and -shm stay behind). -All stops every
# server this session started that still runs. Returns nothing; safe to call twice.
function Stop-BunqueueServer {
    param(
        [Parameter(Position = 0, ValueFromPipeline)] $Server,
        [switch] $Kill,
        [switch] $All,
        [int] $TimeoutSeconds = 10
    )
    process {
        $targets = if ($All) { @($script:BunqueueServers) } else { @($Server) }
        foreach ($s in $targets) {
            if (-not $s -or $s.Process.HasExited) { continue }
            Send-Signal -ProcessId $s.Pid -Signal $(if ($Kill) { 'KILL' } else { 'TERM' })
            if (-not $s.Process.WaitForExit($TimeoutSeconds * 1000)) {
                Send-Signal -ProcessId $s.Pid -Signal KILL
                $s.Process.WaitForExit(5000) | Out-Null
            }
        }
    }
}

# Runs one script of tests/node/scripts on bun, bounded in time; throws if it fails or hangs,
# and returns its last stdout line parsed as JSON.
function Invoke-BunScript {
    param([Parameter(Mandatory)] [string] $Name, [string[]] $Arguments = @(), [int] $TimeoutSeconds = 30)
    $psi = [System.Diagnostics.ProcessStartInfo]::new($script:BunExe)
    $psi.ArgumentList.Add((Join-Path $script:NodeScripts $Name))
    foreach ($a in $Arguments) { $psi.ArgumentList.Add([string] $a) }
    $psi.WorkingDirectory = $script:NodeScripts
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "bun $Name $Arguments did not finish within $TimeoutSeconds s"
        }
        $process.WaitForExit()
        $out = $stdout.GetAwaiter().GetResult()
        if ($process.ExitCode -ne 0) { throw "bun $Name $Arguments exited $($process.ExitCode): $($stderr.GetAwaiter().GetResult()) $out" }
        $last = @($out -split "`n" | Where-Object { $_.Trim() }) | Select-Object -Last 1
        $last | ConvertFrom-Json -Depth 20
    }
    finally { $process.Dispose() }
}

# The server's state through bunqueue/client (tests/node/scripts/state.mjs): per queue its
# getJobCountsAsync(), DLQ job ids and job schedulers.
function Get-BunqueueState {
    param([Parameter(Mandatory)] $Server, [string[]] $Queues = @('orders', 'reports', 'failing'), [string] $IdsFile, [string] $IdsQueue)
    $arguments = @('--port', $Server.TcpPort, '--queues', ($Queues -join ','))
    if ($IdsFile) { $arguments += @('--ids', $IdsFile, '--ids-queue', $(if ($IdsQueue) { $IdsQueue } else { $Queues[0] })) }
    Invoke-BunScript -Name 'state.mjs' -Arguments $arguments
}

# Seeds known state (tests/node/scripts/seed.mjs): waiting, prioritized and delayed jobs in
# 'orders', two schedulers in 'reports', one DLQ entry in 'failing'. Returns the ids it made.
function Initialize-BunqueueState {
    param([Parameter(Mandatory)] $Server, [int] $Waiting = 5, [int] $Prioritized = 3, [int] $Delayed = 2)
    Invoke-BunScript -Name 'seed.mjs' -Arguments @('--port', $Server.TcpPort, '--waiting', $Waiting, '--prioritized', $Prioritized, '--delayed', $Delayed)
}

# Starts tests/node/scripts/writer.mjs: durable adds until -Seconds pass or -StopFile appears, each
# acknowledged job appended to -OutFile as "<id> <ack ms> <call ms> <latency ms>". Returns
# { Process, OutFile, StopFile, SummaryFile }; Wait-BunqueueWriter ends it and reads its summary.
function Start-BunqueueWriter {
    param(
        [Parameter(Mandatory)] $Server,
        [Parameter(Mandatory)] [string] $OutFile,
        [string] $StopFile,
        [string] $Queue = 'load',
        [double] $Seconds = 10,
        [int] $Concurrency = 16,
        [int] $PayloadBytes = 200,
        [int] $MaxJobs = 1000000
    )
    if (-not $StopFile) { $StopFile = "$OutFile.stop" }
    $arguments = @((Join-Path $script:NodeScripts 'writer.mjs'), '--port', $Server.TcpPort, '--out', $OutFile, '--queue', $Queue,
        '--seconds', $Seconds, '--stop-file', $StopFile, '--concurrency', $Concurrency, '--payload-bytes', $PayloadBytes, '--max-jobs', $MaxJobs)
    $process = Start-Process -FilePath $script:BunExe -PassThru -WorkingDirectory $script:NodeScripts -ArgumentList $arguments `
        -RedirectStandardOutput "$OutFile.summary" -RedirectStandardError "$OutFile.err"
    $writer = [pscustomobject]@{ Process = $process; OutFile = $OutFile; StopFile = $StopFile; SummaryFile = "$OutFile.summary" }
    $script:BunqueueWriters.Add($writer)
    $writer
}

# Cleanup: kills a writer (or, with -All, every writer this session started) still running.
function Stop-BunqueueWriter {
    param([Parameter(Position = 0)] $Writer, [switch] $All)
    $targets = if ($All) { @($script:BunqueueWriters) } else { @($Writer) }
    foreach ($w in $targets) {
        if (-not $w -or $w.Process.HasExited) { continue }
        Send-Signal -ProcessId $w.Process.Id -Signal KILL
        $w.Process.WaitForExit(5000) | Out-Null
    }
}

# Waits until the writer has acknowledged at least -Jobs adds (bounded); throws if it never does.
function Wait-BunqueueWriterProgress {
    param([Parameter(Mandatory)] $Writer, [int] $Jobs = 1, [int] $TimeoutSeconds = 15)
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    for ($i = 0; $i -lt 10000; $i++) {
        $lines = if (Test-Path -LiteralPath $Writer.OutFile) { [IO.File]::ReadAllText($Writer.OutFile).Split("`n").Count - 1 } else { 0 }
        if ($lines -ge $Jobs) { return }
        if ($Writer.Process.HasExited -or [datetime]::UtcNow -gt $deadline) {
            throw "The writer acknowledged $lines adds, not $Jobs, within $TimeoutSeconds s (exited: $($Writer.Process.HasExited)): $(Get-Content -Raw "$($Writer.OutFile).err" -ErrorAction Ignore)"
        }
        Start-Sleep -Milliseconds 50
    }
}

# Asks the writer to stop (its stop file), waits for it (bounded, then kills it), and returns its
# JSON summary { acked, failed, firstError, seconds, perSecond }.
function Wait-BunqueueWriter {
    param([Parameter(Mandatory)] $Writer, [int] $TimeoutSeconds = 15)
    Set-Content -LiteralPath $Writer.StopFile -Value 'stop'
    if (-not $Writer.Process.WaitForExit($TimeoutSeconds * 1000)) {
        Stop-BunqueueWriter $Writer
        throw "The writer did not stop within $TimeoutSeconds s of its stop file."
    }
    $Writer.Process.WaitForExit()
    $summary = Get-Content -LiteralPath $Writer.SummaryFile -ErrorAction Ignore | Where-Object { $_.Trim() } | Select-Object -Last 1
    if (-not $summary) { throw "The writer printed no summary: $(Get-Content -Raw "$($Writer.OutFile).err" -ErrorAction Ignore)" }
    $summary | ConvertFrom-Json
}

# The writer's acknowledged adds as objects { Id, AckMs, CallMs, LatencyMs }.
function Read-BunqueueWriterLog {
    param([Parameter(Mandatory)] [string] $Path)
    foreach ($line in [IO.File]::ReadAllLines($Path)) {
        if (-not $line) { continue }
        $f = $line.Split(' ')
        [pscustomobject]@{ Id = $f[0]; AckMs = [long] $f[1]; CallMs = [long] $f[2]; LatencyMs = [double]::Parse($f[3], [Globalization.CultureInfo]::InvariantCulture) }
    }
}

# p50/p99/max (nearest rank) of a set of latencies in ms.
function Get-LatencySummary {
    param([double[]] $Milliseconds)
    if (-not $Milliseconds -or $Milliseconds.Count -eq 0) { return [ordered]@{ count = 0; p50 = $null; p99 = $null; max = $null } }
    $sorted = [double[]] $Milliseconds.Clone(); [Array]::Sort($sorted)
    $rank = { param($p) $sorted[[Math]::Max(0, [int][Math]::Ceiling($p * $sorted.Count) - 1)] }
    [ordered]@{ count = $sorted.Count; p50 = [Math]::Round((& $rank 0.50), 3); p99 = [Math]::Round((& $rank 0.99), 3); max = [Math]::Round($sorted[-1], 3) }
}

# Job ids a SQLite copy of bunqueue's database holds: jobs.id and the DLQ's job_id.
function Get-DatabaseJobIds {
    param([Parameter(Mandatory)] [string] $Path, [string] $Queue)
    $where = if ($Queue) { " WHERE queue = '$($Queue.Replace("'", "''"))'" } else { '' }
    $ids = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::Ordinal)
    foreach ($id in (& sqlite3 -readonly $Path "SELECT id FROM jobs$where UNION ALL SELECT job_id FROM dlq$where")) { [void] $ids.Add($id) }
    if ($LASTEXITCODE -ne 0) { throw "sqlite3 could not read $Path" }
    , $ids
}

Export-ModuleMember -Function Get-EpochMilliseconds, Send-Signal, Invoke-LoopbackGet, Test-BunqueueReady, Start-BunqueueServer, Stop-BunqueueServer,
    Invoke-BunScript, Get-BunqueueState, Initialize-BunqueueState, Start-BunqueueWriter, Wait-BunqueueWriterProgress, Wait-BunqueueWriter, Stop-BunqueueWriter,
    Read-BunqueueWriterLog, Get-LatencySummary, Get-DatabaseJobIds

# ---------------------------------------------------------------------------------------------
# A second S3 server: moto_server (Python moto 5.x, from the machine image, expected on PATH) on a
# free loopback port, checking every request's SigV4 signature against an IAM user's secret, with
# versioning, Object Lock, lifecycle and default encryption. One per Pester file (BeforeAll).
# ---------------------------------------------------------------------------------------------

$script:MotoPatches = Join-Path $script:RepoRoot 'tests/tools/moto'
# IAM calls the starter makes before moto checks signatures: CreateUser, PutUserPolicy, CreateAccessKey.
$script:MotoBootstrapCalls = 3

# One IAM query call on moto (form POST). Unsigned calls are only for the first
# $MotoBootstrapCalls requests, where moto checks nothing; the Authorization header's credential
# scope is what routes the call to moto's IAM rather than S3.
function Invoke-MotoIamBootstrap {
    param([Parameter(Mandatory)] [string] $Endpoint, [Parameter(Mandatory)] [hashtable] $Form)
    $client = [System.Net.Http.HttpClient]::new()
    try {
        $fields = [System.Collections.Generic.Dictionary[string, string]]::new()
        foreach ($name in $Form.Keys) { $fields[$name] = [string] $Form[$name] }
        $fields['Version'] = '2010-05-08'
        $content = [System.Net.Http.FormUrlEncodedContent]::new($fields)
        $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Post, "$Endpoint/")
        $request.Content = $content
        $request.Headers.TryAddWithoutValidation('Authorization', 'AWS4-HMAC-SHA256 Credential=bootstrap/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0') | Out-Null
        $response = $client.SendAsync($request).GetAwaiter().GetResult()
        $body = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
        if (-not $response.IsSuccessStatusCode) { throw "moto IAM $($Form.Action) failed ($([int] $response.StatusCode)): $body" }
        [xml] $body
    }
    finally { $client.Dispose() }
}

# Starts moto_server with INITIAL_NO_AUTH_ACTION_COUNT so that, after the IAM user 'bqbackup'
# (allowed everything) and its access key are created, every request's signature is verified.
# tests/tools/moto/sitecustomize.py corrects moto 5.2.1's signature check for queries with escaped
# characters (prefix=a%2F) without weakening it. Returns { Process, Port, Endpoint, AccessKey,
# SecretKey, Region, Log, Parameters } — Parameters splats into the cmdlets' S3 parameters.
function Start-MotoServer {
    # -Environment: more variables for the server (e.g. S3_UPLOAD_PART_MIN_SIZE for small multipart parts).
    param([string] $Root = [IO.Path]::GetTempPath(), [int] $TimeoutSeconds = 30, [hashtable] $Environment = @{})
    $moto = Get-Command moto_server -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if (-not $moto) { throw 'moto_server is not on PATH: the S3 tests that check signatures, versioning and Object Lock need moto 5.x (Python moto[server], in the machine image). Install it or put it on PATH.' }
    $port = Get-FreeTcpPort
    $log = Join-Path $Root "moto-$port"
    $pythonPath = (@($script:MotoPatches, $env:PYTHONPATH) | Where-Object { $_ }) -join [IO.Path]::PathSeparator
    # PYTHONDONTWRITEBYTECODE: no __pycache__ written into the repository's tests/tools/moto.
    $variables = @{ INITIAL_NO_AUTH_ACTION_COUNT = "$script:MotoBootstrapCalls"; PYTHONPATH = $pythonPath; PYTHONDONTWRITEBYTECODE = '1' }
    foreach ($name in $Environment.Keys) { $variables[$name] = "$($Environment[$name])" }
    $process = Invoke-WithEnvironment $variables {
        Start-Process -FilePath $moto.Source -ArgumentList @('-H', '127.0.0.1', '-p', $port) -PassThru -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err"
    }
    $endpoint = "http://127.0.0.1:$port"
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        try { $client = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $port); $client.Dispose(); break }
        catch {
            if ($process.HasExited -or [datetime]::UtcNow -gt $deadline) {
                if (-not $process.HasExited) { Stop-Process -Id $process.Id -Force }
                throw "moto_server did not start on 127.0.0.1:${port} within $TimeoutSeconds s: $(Get-Content -Raw "$log.err" -ErrorAction Ignore)"
            }
            Start-Sleep -Milliseconds 100
        }
    }
    try {
        $user = 'bqbackup'
        Invoke-MotoIamBootstrap $endpoint @{ Action = 'CreateUser'; UserName = $user } | Out-Null
        $policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
        Invoke-MotoIamBootstrap $endpoint @{ Action = 'PutUserPolicy'; UserName = $user; PolicyName = 'everything'; PolicyDocument = $policy } | Out-Null
        $key = (Invoke-MotoIamBootstrap $endpoint @{ Action = 'CreateAccessKey'; UserName = $user }).CreateAccessKeyResponse.CreateAccessKeyResult.AccessKey
    }
    catch { Stop-Process -Id $process.Id -Force; throw }
    [pscustomobject]@{
        Process = $process; Port = $port; Endpoint = $endpoint; AccessKey = $key.AccessKeyId; SecretKey = $key.SecretAccessKey; Region = 'us-east-1'; Log = $log
        Parameters = @{ EndpointUrl = $endpoint; Region = 'us-east-1'; AccessKey = $key.AccessKeyId; SecretKey = $key.SecretAccessKey }
    }
}

function Stop-MotoServer {
    param($Server)
    if ($Server -and -not $Server.Process.HasExited) { Stop-Process -Id $Server.Process.Id -Force; $Server.Process.WaitForExit(5000) | Out-Null }
}

# Another IAM user on a running moto with its own inline policy (a JSON document, or a hashtable
# turned into one), e.g. one denied s3:BypassGovernanceRetention. Created with the admin key, signed.
# Returns a server-like object (Endpoint, AccessKey, SecretKey, Parameters) for Invoke-Aws and splatting.
function New-MotoUser {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] $Policy)
    $document = if ($Policy -is [string]) { $Policy } else { $Policy | ConvertTo-Json -Depth 10 -Compress }
    Invoke-Aws $Server iam create-user --user-name $Name | Out-Null
    Invoke-Aws $Server iam put-user-policy --user-name $Name --policy-name policy --policy-document $document | Out-Null
    $key = (Invoke-Aws $Server iam create-access-key --user-name $Name --output json | Out-String | ConvertFrom-Json).AccessKey
    [pscustomobject]@{
        Endpoint = $Server.Endpoint; AccessKey = $key.AccessKeyId; SecretKey = $key.SecretAccessKey; Region = 'us-east-1'
        Parameters = @{ EndpointUrl = $Server.Endpoint; Region = 'us-east-1'; AccessKey = $key.AccessKeyId; SecretKey = $key.SecretAccessKey }
    }
}

# Creates a bucket on moto through awscli, set up as asked: -Versioning; -ObjectLock (which turns
# versioning on, as S3 does) with an optional default retention (-LockMode GOVERNANCE|COMPLIANCE
# -LockDays n); a lifecycle rule aborting incomplete multipart uploads after -AbortIncompleteUploadDays;
# default encryption (-Encryption, SSE-S3). Returns the bucket name.
function New-MotoBucket {
    param(
        [Parameter(Mandatory)] $Server,
        [Parameter(Mandatory)] [string] $Name,
        [switch] $Versioning,
        [switch] $ObjectLock,
        [ValidateSet('GOVERNANCE', 'COMPLIANCE')] [string] $LockMode,
        [int] $LockDays = 1,
        [int] $AbortIncompleteUploadDays,
        [switch] $Encryption
    )
    if ($ObjectLock) { Invoke-Aws $Server s3api create-bucket --bucket $Name --object-lock-enabled-for-bucket | Out-Null }
    else { Invoke-Aws $Server s3api create-bucket --bucket $Name | Out-Null }
    if ($Versioning -and -not $ObjectLock) { Invoke-Aws $Server s3api put-bucket-versioning --bucket $Name --versioning-configuration Status=Enabled | Out-Null }
    if ($LockMode) {
        if (-not $ObjectLock) { throw 'A default retention needs -ObjectLock.' }
        $configuration = @{ ObjectLockEnabled = 'Enabled'; Rule = @{ DefaultRetention = @{ Mode = $LockMode; Days = $LockDays } } } | ConvertTo-Json -Depth 5 -Compress
        Invoke-Aws $Server s3api put-object-lock-configuration --bucket $Name --object-lock-configuration $configuration | Out-Null
    }
    if ($AbortIncompleteUploadDays) {
        $lifecycle = @{ Rules = @(@{ ID = 'abort-incomplete-uploads'; Status = 'Enabled'; Filter = @{ Prefix = '' }; AbortIncompleteMultipartUpload = @{ DaysAfterInitiation = $AbortIncompleteUploadDays } }) } | ConvertTo-Json -Depth 6 -Compress
        Invoke-Aws $Server s3api put-bucket-lifecycle-configuration --bucket $Name --lifecycle-configuration $lifecycle | Out-Null
    }
    if ($Encryption) {
        $sse = @{ Rules = @(@{ ApplyServerSideEncryptionByDefault = @{ SSEAlgorithm = 'AES256' } }) } | ConvertTo-Json -Depth 5 -Compress
        Invoke-Aws $Server s3api put-bucket-encryption --bucket $Name --server-side-encryption-configuration $sse | Out-Null
    }
    $Name
}

Export-ModuleMember -Function Start-MotoServer, Stop-MotoServer, New-MotoUser, New-MotoBucket
Export-ModuleMember -Function Start-S3rverWithCredentials
