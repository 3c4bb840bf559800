<#
.SYNOPSIS
    Backup and restore speed and memory against the peers, on the same files, in one run.
.DESCRIPTION
    Run by `build.ps1 -Task Bench`. For each size it generates a deterministic bunqueue-shaped
    database, then times, each in a fresh process under /usr/bin/time -v (wall time and peak RSS):
      - ours: New-BqBackup and Restore-BqBackup, to a folder and to s3rver on loopback;
      - bunqueue's own built-in backup (`backup now`, `backup restore --force`) against the same s3rver;
      - the seed's manual path: sqlite3 .backup + gzip + aws s3 cp (Debian's awscli), and back;
      - a '-mixed' size (e.g. 1GB-mixed) is the mixed-payload workload (SampleDatabase.CreateMixedOfSize:
        e-mails, webhooks, report rows, tokens and attachments, holes left by a cleanup), about 3:1 under gzip -6;
      - encrypted (age, one X25519 recipient) to a folder: ours with -Recipient / -IdentityFile,
        against the manual path piped through Debian's age (gzip -6 | age -r, age -d | gunzip).
    Every run is checked: each restore must give a database that passes integrity_check with the
    source's job count. Medians and spreads go to a Markdown table in tests/bench/results/.
    -Smoke: one tiny run for CI, correctness only.
#>
param(
    # Sizes of generated databases, and 'bunqueue': one written by a real bunqueue server. A size
    # with '-mixed' (e.g. 1GB-mixed) is the mixed-payload workload, which compresses about 3:1.
    [string[]] $Size = @('100MB', '1GB', '1GB-mixed', 'bunqueue'),
    [int] $Runs = 3,
    [switch] $Smoke
)
$ErrorActionPreference = 'Stop'
if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
Import-Module (Join-Path $root 'tests/pester/TestHelpers.psm1') -Force
Import-BqBackupModule
$module = Join-Path $root 'out/BqBackup/BqBackup.psd1'
$nodeModules = Join-Path $root 'tests/node/node_modules'
$work = Join-Path $root $(if ($Smoke) { 'out/bench-smoke/work' } else { 'out/bench' })
$resultsDir = if ($Smoke) { Join-Path $root 'out/bench-smoke' } else { Join-Path $PSScriptRoot 'results' }
New-Item -ItemType Directory -Force $work, $resultsDir | Out-Null
if ($Smoke) { $Size = @('4MB', '4MB-mixed', 'bunqueue'); $Runs = 1 }
$Size = @($Size | ForEach-Object { $_ -split ',' } | Where-Object { $_ })

$pwshExe = [Environment]::ProcessPath
$pwshPrefix = if ((Split-Path $pwshExe -Leaf) -like 'dotnet*') { @($pwshExe, (Join-Path $PSHOME 'pwsh.dll')) } else { @($pwshExe) }

# One command in a fresh process under GNU time: wall seconds and peak RSS in MiB.
function Measure-Process {
    param([string[]] $Command, [hashtable] $Environment = @{})
    $report = Join-Path $work 'time.txt'
    Invoke-WithEnvironment $Environment {
        $out = & /usr/bin/time -v -o $report @Command 2>&1
        if ($LASTEXITCODE -ne 0) { throw "failed ($LASTEXITCODE): $($Command -join ' ')`n$($out | Out-String)" }
    }
    $text = Get-Content -Raw $report
    $wall = [regex]::Match($text, 'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)')
    $seconds = [double]$wall.Groups[3].Value + 60 * [double]$wall.Groups[2].Value + 3600 * [double]("0" + $wall.Groups[1].Value)
    $rss = [double][regex]::Match($text, 'Maximum resident set size \(kbytes\): (\d+)').Groups[1].Value / 1024
    [pscustomobject]@{ Seconds = $seconds; RssMiB = $rss }
}

function Invoke-Pwsh([string] $Script) { $pwshPrefix + @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$module'; $Script") }

function Assert-Restored([string] $Path, [long] $Jobs) {
    $check = sqlite3 $Path 'PRAGMA integrity_check; SELECT COUNT(*) FROM jobs;'
    if ($check[0] -ne 'ok' -or [long]$check[1] -ne $Jobs) { throw "restored '$Path' is wrong: $check (expected ok and $Jobs jobs)" }
}

function Get-Median([double[]] $Values) {
    $s = $Values | Sort-Object
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

$server = Start-S3Server -Bucket 'bench' -Root $work
$s3Env = @{ AWS_ACCESS_KEY_ID = 'S3RVER'; AWS_SECRET_ACCESS_KEY = 'S3RVER'; AWS_DEFAULT_REGION = 'us-east-1' }
$s3Args = "-EndpointUrl '$($server.Endpoint)' -AccessKey S3RVER -SecretKey S3RVER"
$rows = @()
$ratios = [ordered]@{}
# One age key pair for the encrypted rows (the identity stays in the work folder).
$ageKey = Join-Path $work 'bench-identity.txt'
if (-not (Test-Path $ageKey)) { & /usr/bin/age-keygen -o $ageKey 2>$null }
$agePub = (& /usr/bin/age-keygen -y $ageKey).Trim()
try {
    $idle = Measure-Process (Invoke-Pwsh '[GC]::Collect()')
    foreach ($label in $Size) {
        $db = Join-Path $work "queue-$label.db"
        if (-not (Test-Path $db) -and $label -eq 'bunqueue') {
            # A database as bunqueue itself writes it: a real server fed by a writer of durable jobs, then stopped cleanly.
            $dataPath = Join-Path $work 'live/bunqueue.db'
            Remove-Item -Recurse -Force (Split-Path $dataPath) -ErrorAction Ignore
            $bq = Start-BunqueueServer -DataPath $dataPath -LogDirectory $work
            try {
                $writer = Start-BunqueueWriter -Server $bq -OutFile (Join-Path $work 'live-writer.txt') -Seconds $(if ($Smoke) { 2 } else { 20 }) -PayloadBytes 1500
                $writer.Process.WaitForExit(60000) | Out-Null
            }
            finally { Stop-BunqueueServer $bq }
            Copy-Item $dataPath $db
        }
        elseif (-not (Test-Path $db) -and $label -match '^(\d+[KMGT]B)-mixed$') {
            $bytes = [long](Invoke-Expression $Matches[1])
            Write-Host "Generating a $label bunqueue-shaped database of mixed payloads at $db"
            [BqBackup.Sample.SampleDatabase]::CreateMixedOfSize($db, $bytes, 1) | Out-Null
        }
        elseif (-not (Test-Path $db)) {
            $bytes = [long](Invoke-Expression $label)
            Write-Host "Generating a $label bunqueue-shaped database at $db"
            [BqBackup.Sample.SampleDatabase]::CreateOfSize($db, $bytes, 1) | Out-Null
        }
        $jobs = [long](sqlite3 $db 'SELECT COUNT(*) FROM jobs')
        $dbSize = (Get-Item $db).Length
        $results = @{}
        function Add-Result([string] $Key, $Measure) { if (-not $results[$Key]) { $results[$Key] = @() }; $results[$Key] += $Measure }

        for ($run = 1; $run -le $Runs; $run++) {
            Write-Host "== $label run $run of $Runs"
            # Page cache warm for every contender alike.
            Get-Content -AsByteStream -ReadCount 1MB $db | Out-Null

            $folder = Join-Path $work "folder-$label"; Remove-Item -Recurse -Force $folder -ErrorAction Ignore
            $target = Join-Path $work "restored-$label.db"
            Add-Result 'ours backup folder' (Measure-Process (Invoke-Pwsh "New-BqBackup -Path '$db' -Destination '$folder' | Out-Null"))
            $ratios[$label] = $dbSize / (Get-ChildItem $folder -Filter '*.db.gz' | Select-Object -First 1).Length
            Remove-Item "$target*" -Force -ErrorAction Ignore
            Add-Result 'ours restore folder' (Measure-Process (Invoke-Pwsh "Restore-BqBackup -Path '$target' -Destination '$folder' -Latest -Confirm:`$false | Out-Null"))
            Assert-Restored $target $jobs

            $prefix = "ours-$label-$run/"
            Add-Result 'ours backup s3' (Measure-Process (Invoke-Pwsh "New-BqBackup -Path '$db' -Destination 's3://bench/$prefix' $s3Args | Out-Null"))
            Remove-Item "$target*" -Force -ErrorAction Ignore
            Add-Result 'ours restore s3' (Measure-Process (Invoke-Pwsh "Restore-BqBackup -Path '$target' -Destination 's3://bench/$prefix' -Latest -Confirm:`$false $s3Args | Out-Null"))
            Assert-Restored $target $jobs

            # Opt-in zstd: the same database to the same stores; its peers are the gzip peers (what the targets compare with).
            $zstdFolder = Join-Path $work "zstd-folder-$label"; Remove-Item -Recurse -Force $zstdFolder -ErrorAction Ignore
            Add-Result 'ours backup-zstd folder' (Measure-Process (Invoke-Pwsh "New-BqBackup -Path '$db' -Destination '$zstdFolder' -Compression Zstd | Out-Null"))
            Remove-Item "$target*" -Force -ErrorAction Ignore
            Add-Result 'ours restore-zstd folder' (Measure-Process (Invoke-Pwsh "Restore-BqBackup -Path '$target' -Destination '$zstdFolder' -Latest -Confirm:`$false | Out-Null"))
            Assert-Restored $target $jobs
            Add-Result 'ours backup-zstd s3' (Measure-Process (Invoke-Pwsh "New-BqBackup -Path '$db' -Destination 's3://bench/zstd-$prefix' -Compression Zstd $s3Args | Out-Null"))
            Remove-Item "$target*" -Force -ErrorAction Ignore
            Add-Result 'ours restore-zstd s3' (Measure-Process (Invoke-Pwsh "Restore-BqBackup -Path '$target' -Destination 's3://bench/zstd-$prefix' -Latest -Confirm:`$false $s3Args | Out-Null"))
            Assert-Restored $target $jobs
            # Fan-out: one backup to a folder and s3rver at once (target: at most 1.2x the slower destination alone); both copies the same bytes.
            $fanFolder = Join-Path $work "fanout-folder-$label"; Remove-Item -Recurse -Force $fanFolder -ErrorAction Ignore
            Add-Result 'ours backup-fanout folder+s3' (Measure-Process (Invoke-Pwsh "New-BqBackup -Path '$db' -Destination '$fanFolder', 's3://bench/fanout-$label-$run/' $s3Args | Out-Null"))
            $fanCopies = @(Get-BqBackup -Destination $fanFolder) + @(Get-BqBackup -Destination "s3://bench/fanout-$label-$run/" -EndpointUrl $server.Endpoint -AccessKey S3RVER -SecretKey S3RVER)
            if ($fanCopies.Count -ne 2 -or $fanCopies[0].Name -ne $fanCopies[1].Name -or $fanCopies[0].Size -ne $fanCopies[1].Size -or $fanCopies[0].Sha256 -ne $fanCopies[1].Sha256) {
                throw "The fan-out backup did not leave the same backup in both destinations: $($fanCopies | ForEach-Object { "$($_.Destination)$($_.Name) $($_.Size)" })"
            }

            $bqEnv = (Get-BunqueueS3Environment -Server $server -Prefix "bunqueue-$label-$run/") + @{ BUNQUEUE_DATA_PATH = $db }
            $bun = @((Join-Path $nodeModules '.bin/bun'), (Join-Path $nodeModules 'bunqueue/dist/cli/index.js'))
            Add-Result 'bunqueue backup s3' (Measure-Process ($bun + @('backup', 'now')) $bqEnv)
            $key = (Invoke-Aws $server s3 ls "s3://bench/bunqueue-$label-$run/" | Select-String '\.db$' | ForEach-Object { ($_ -split '\s+')[-1] } | Select-Object -First 1)
            Remove-Item "$target*" -Force -ErrorAction Ignore
            $bqEnv.BUNQUEUE_DATA_PATH = $target
            Add-Result 'bunqueue restore s3' (Measure-Process ($bun + @('backup', 'restore', "bunqueue-$label-$run/$key", '--force')) $bqEnv)
            Assert-Restored $target $jobs

            $ageFolder = Join-Path $work "age-folder-$label"; Remove-Item -Recurse -Force $ageFolder -ErrorAction Ignore
            Add-Result 'ours backup-age folder' (Measure-Process (Invoke-Pwsh "New-BqBackup -Path '$db' -Destination '$ageFolder' -Recipient '$agePub' | Out-Null"))
            Remove-Item "$target*" -Force -ErrorAction Ignore
            Add-Result 'ours restore-age folder' (Measure-Process (Invoke-Pwsh "Restore-BqBackup -Path '$target' -Destination '$ageFolder' -Latest -IdentityFile '$ageKey' -Confirm:`$false | Out-Null"))
            Assert-Restored $target $jobs

            $tmp = Join-Path $work 'manual'; Remove-Item -Recurse -Force $tmp -ErrorAction Ignore; New-Item -ItemType Directory $tmp | Out-Null
            $manualFolder = Join-Path $work "manual-folder-$label"; Remove-Item -Recurse -Force $manualFolder -ErrorAction Ignore; New-Item -ItemType Directory $manualFolder | Out-Null
            Add-Result 'manual backup folder' (Measure-Process @('bash', '-c', "set -e; sqlite3 '$db' `".backup '$tmp/b.db'`"; gzip -6 '$tmp/b.db'; mv '$tmp/b.db.gz' '$manualFolder/b.db.gz'"))
            Remove-Item "$target*" -Force -ErrorAction Ignore
            Add-Result 'manual restore folder' (Measure-Process @('bash', '-c', "set -e; gunzip -c '$manualFolder/b.db.gz' > '$target.tmp'; mv '$target.tmp' '$target'"))
            Assert-Restored $target $jobs
            Add-Result 'manual backup-age folder' (Measure-Process @('bash', '-c', "set -e; sqlite3 '$db' `".backup '$tmp/a.db'`"; gzip -6 -c '$tmp/a.db' | age -r '$agePub' > '$tmp/a.part'; mv '$tmp/a.part' '$manualFolder/a.db.gz.age'; rm '$tmp/a.db'"))
            Remove-Item "$target*" -Force -ErrorAction Ignore
            Add-Result 'manual restore-age folder' (Measure-Process @('bash', '-c', "set -e; age -d -i '$ageKey' '$manualFolder/a.db.gz.age' | gunzip > '$target.tmp'; mv '$target.tmp' '$target'"))
            Assert-Restored $target $jobs
            Add-Result 'manual backup s3' (Measure-Process @('bash', '-c', "set -e; sqlite3 '$db' `".backup '$tmp/b.db'`"; gzip -6 '$tmp/b.db'; /usr/bin/aws --endpoint-url $($server.Endpoint) s3 cp --quiet '$tmp/b.db.gz' 's3://bench/manual-$label-$run/b.db.gz'") $s3Env)
            Remove-Item "$target*" -Force -ErrorAction Ignore
            Add-Result 'manual restore s3' (Measure-Process @('bash', '-c', "set -e; /usr/bin/aws --endpoint-url $($server.Endpoint) s3 cp --quiet 's3://bench/manual-$label-$run/b.db.gz' '$tmp/r.db.gz'; gunzip '$tmp/r.db.gz'; mv '$tmp/r.db' '$target'") $s3Env)
            Assert-Restored $target $jobs
        }

        foreach ($op in 'backup', 'restore', 'backup-age', 'restore-age', 'backup-zstd', 'restore-zstd') {
            foreach ($store in 'folder', 's3') {
                $ours = $results["ours $op $store"]
                if (-not $ours) { continue }
                # zstd rows are measured against the gzip peers of the same operation.
                $peerOp = $op -replace '-zstd$', ''
                $peers = @('bunqueue', 'manual') | Where-Object { $results["$_ $peerOp $store"] }
                $peerMedians = $peers | ForEach-Object { [pscustomobject]@{ Peer = $_; Seconds = (Get-Median $results["$_ $peerOp $store"].Seconds); Rss = (Get-Median $results["$_ $peerOp $store"].RssMiB) } }
                $fastest = $peerMedians | Sort-Object Seconds | Select-Object -First 1
                $oursMedian = Get-Median $ours.Seconds
                $rows += [pscustomobject]@{
                    Size = $label; DbBytes = $dbSize; Operation = $op; Store = $store
                    Ours = $oursMedian; OursSpread = '{0:F2}-{1:F2}' -f ($ours.Seconds | Measure-Object -Minimum -Maximum).Minimum, ($ours.Seconds | Measure-Object -Minimum -Maximum).Maximum
                    OursRss = Get-Median $ours.RssMiB; IdleRss = $idle.RssMiB
                    Bunqueue = ($peerMedians | Where-Object Peer -eq 'bunqueue').Seconds; BunqueueRss = ($peerMedians | Where-Object Peer -eq 'bunqueue').Rss
                    Manual = ($peerMedians | Where-Object Peer -eq 'manual').Seconds; ManualRss = ($peerMedians | Where-Object Peer -eq 'manual').Rss
                    Fastest = $fastest.Peer; Ratio = $oursMedian / $fastest.Seconds
                }
            }
        }
        $fan = $results['ours backup-fanout folder+s3']
        if ($fan) {
            $alone = @('folder', 's3') | ForEach-Object { [pscustomobject]@{ Store = $_; Seconds = Get-Median $results["ours backup $_"].Seconds } } | Sort-Object Seconds | Select-Object -Last 1
            $fanMedian = Get-Median $fan.Seconds
            $rows += [pscustomobject]@{
                Size = $label; DbBytes = $dbSize; Operation = 'backup-fanout'; Store = 'folder+s3'
                Ours = $fanMedian; OursSpread = '{0:F2}-{1:F2}' -f ($fan.Seconds | Measure-Object -Minimum -Maximum).Minimum, ($fan.Seconds | Measure-Object -Minimum -Maximum).Maximum
                OursRss = Get-Median $fan.RssMiB; IdleRss = $idle.RssMiB
                Fastest = "ours to $($alone.Store) alone"; Ratio = $fanMedian / $alone.Seconds
            }
        }
    }
}
finally {
    Stop-S3Server $server
}

$stamp = [datetime]::UtcNow.ToString('yyyy-MM-ddTHH-mm-ssZ')
$lines = @(
    "# BqBackup benchmark, $stamp UTC"
    ''
    "$([Environment]::ProcessorCount) cores; $Runs run(s) per cell, each in a fresh process; medians, ours' spread (min-max); wall seconds of the whole process including start-up; peak RSS (MiB) by /usr/bin/time. Idle pwsh with the module imported: $('{0:F0}' -f $idle.RssMiB) MiB."
    ''
    '| Database | Operation | Store | Ours s (spread) | bunqueue s | manual s | Ours ÷ fastest peer | Ours RSS | above idle | bunqueue RSS | manual RSS |'
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|'
)
foreach ($r in $rows) {
    $f = { param($v, $fmt) if ($null -eq $v) { '-' } else { $fmt -f $v } }
    $lines += "| $($r.Size) ($('{0:N0}' -f $r.DbBytes) B) | $($r.Operation) | $($r.Store) | $(& $f $r.Ours '{0:F2}') ($($r.OursSpread)) | $(& $f $r.Bunqueue '{0:F2}') | $(& $f $r.Manual '{0:F2}') | $('{0:F2}' -f $r.Ratio) ($($r.Fastest)) | $(& $f $r.OursRss '{0:F0}') | $(& $f ($r.OursRss - $r.IdleRss) '{0:F0}') | $(& $f $r.BunqueueRss '{0:F0}') | $(& $f $r.ManualRss '{0:F0}') |"
}
$lines += ''
$lines += "Database size ÷ our stored gzip (default level): $(($ratios.Keys | ForEach-Object { '{0} {1:F2}' -f $_, $ratios[$_] }) -join '; ')."
# Issue 14's bar: an encrypted backup and restore at most 10 % slower than plain ones (ours, folder, medians).
$overhead = foreach ($label in $Size) {
    foreach ($op in 'backup', 'restore') {
        $plain = $rows | Where-Object { $_.Size -eq $label -and $_.Operation -eq $op -and $_.Store -eq 'folder' }
        $aged = $rows | Where-Object { $_.Size -eq $label -and $_.Operation -eq "$op-age" -and $_.Store -eq 'folder' }
        if ($plain -and $aged) { "| $label | $op | $('{0:F2}' -f $plain.Ours) | $('{0:F2}' -f $aged.Ours) | $('{0:+0.0;-0.0}' -f (100 * ($aged.Ours / $plain.Ours - 1))) % |" }
    }
}
if ($overhead) {
    $lines += ''
    $lines += 'Encryption overhead (ours, folder, medians):'
    $lines += ''
    $lines += '| Database | Operation | plain s | age s | overhead |'
    $lines += '|---|---|---:|---:|---:|'
    $lines += $overhead
}
$latency = Join-Path $root 'out/test-results/bunqueue-latency.json'
if (Test-Path $latency) {
    $lines += ''
    $l = Get-Content -Raw $latency | ConvertFrom-Json
    $lines += "Writers' add() latency on a live bunqueue (durable adds, one bun writer, $($l.writer.perSecond) adds/s; measured by tests/pester/Bunqueue.Tests.ps1 at $($l.measuredAt)):"
    $lines += ''
    $lines += '| add() latency, ms | p50 | p99 | max |'
    $lines += '|---|---:|---:|---:|'
    $lines += "| without a backup ($($l.withoutBackup.count) adds) | $($l.withoutBackup.p50) | $($l.withoutBackup.p99) | $($l.withoutBackup.max) |"
    $lines += "| while New-BqBackup runs ($($l.duringBackup.count) adds) | $($l.duringBackup.p50) | $($l.duringBackup.p99) | $($l.duringBackup.max) |"
}
$file = Join-Path $resultsDir "bench-$stamp.md"
$lines | Set-Content $file
$lines | Set-Content (Join-Path $resultsDir 'latest.md')
$lines | ForEach-Object { Write-Host $_ }
Write-Host "Written to $file"
