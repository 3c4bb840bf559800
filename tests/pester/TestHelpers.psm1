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
    [pscustomobject]@{ Process = $process; Port = $port; Endpoint = "http://127.0.0.1:$port"; Bucket = $Bucket; Directory = $dir.FullName }
}

function Stop-S3Server {
    param($Server)
    if ($Server -and -not $Server.Process.HasExited) { Stop-Process -Id $Server.Process.Id -Force; $Server.Process.WaitForExit(5000) | Out-Null }
    if ($Server) { Remove-Item -Recurse -Force $Server.Directory -ErrorAction SilentlyContinue }
}

# Runs a script block with environment variables set, and puts the old values back after.
function Invoke-WithEnvironment {
    param([Parameter(Mandatory)] [hashtable] $Variables, [Parameter(Mandatory)] [scriptblock] $Script)
    $saved = @{}
    foreach ($name in $Variables.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Variables[$name]) }
    try { & $Script } finally { foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
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
    Invoke-WithEnvironment @{ AWS_ACCESS_KEY_ID = 'S3RVER'; AWS_SECRET_ACCESS_KEY = 'S3RVER'; AWS_DEFAULT_REGION = 'us-east-1' } {
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

Export-ModuleMember -Function Import-BqBackupModule, New-SampleDatabase, Copy-BackupAsOf, Get-FileSha256, Invoke-ChildPwsh, Get-FreeTcpPort, Start-S3Server, Stop-S3Server, Invoke-WithEnvironment, Get-BunqueueS3Environment, Invoke-Aws, Invoke-BunqueueCli
