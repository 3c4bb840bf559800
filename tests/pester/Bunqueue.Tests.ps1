# The module against a REAL bunqueue server (bunqueue 2.9.5 on bun, from tests/node), driven through
# bunqueue/client by the bun scripts in tests/node/scripts, all on 127.0.0.1. Every server and writer
# a test starts is stopped by the test file itself (AfterAll), even when a test fails.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:resultsDir = Join-Path $PSScriptRoot '../../out/test-results'

    function Get-ErrorOf([scriptblock] $Command) {
        try { & $Command; $null } catch { $_ }
    }

    # The state's counts that a restore must give back, per queue, as one comparable string.
    function Format-Counts($State, [string[]] $Queues) {
        ($Queues | ForEach-Object {
            $c = $State.$_.counts
            '{0}: waiting={1} prioritized={2} delayed={3} active={4} completed={5} failed={6} waiting-children={7}' -f $_,
                $c.waiting, $c.prioritized, $c.delayed, $c.active, $c.completed, $c.failed, $c.'waiting-children'
        }) -join '; '
    }

    function Format-Schedulers($State, [string] $Queue) {
        ($State.$Queue.schedulers | ForEach-Object { '{0} pattern={1} every={2} next={3}' -f $_.id, $_.pattern, $_.every, $_.next }) -join '; '
    }
}

AfterAll {
    Stop-BunqueueWriter -All
    Stop-BunqueueServer -All
}

Describe 'New-BqBackup while bunqueue works' {
    BeforeAll {
        $script:live = Join-Path $TestDrive 'live/data/bunqueue.db'
        $script:dest = Join-Path $TestDrive 'live/backups'
        $script:acksFile = Join-Path $TestDrive 'live/acks.txt'
        $script:concurrency = 16
        $script:payloadBytes = 200

        $server = Start-BunqueueServer -DataPath $live
        $writer = Start-BunqueueWriter -Server $server -OutFile $acksFile -Seconds 30 -Concurrency $concurrency -PayloadBytes $payloadBytes
        try {
            Wait-BunqueueWriterProgress $writer -Jobs 200
            Start-Sleep -Milliseconds 1500          # writers alone: the latency baseline
            $script:runs = foreach ($i in 1..3) {
                $startMs = Get-EpochMilliseconds    # every add acknowledged before this must be in the backup
                $backup = New-BqBackup -Path $live -Destination $dest
                $endMs = Get-EpochMilliseconds
                [pscustomobject]@{ Backup = $backup; StartMs = $startMs; EndMs = $endMs }
                Start-Sleep -Milliseconds 300
            }
            Start-Sleep -Milliseconds 700
            $script:summary = Wait-BunqueueWriter $writer
        }
        finally {
            Stop-BunqueueWriter $writer
            Stop-BunqueueServer $server
        }
        $script:acks = @(Read-BunqueueWriterLog $acksFile)
        Write-Host ('Writer: {0} durable adds acknowledged in {1:N1} s ({2}/s, {3} failed); backups: {4}' -f $summary.acked, $summary.seconds,
            $summary.perSecond, $summary.failed, (($runs | ForEach-Object { '{0} ms, {1:N0} jobs' -f ($_.EndMs - $_.StartMs), $_.Backup.Counts.Jobs }) -join '; '))
    }

    # Whatever failed above, nothing this block started outlives it.
    AfterAll { Stop-BunqueueWriter -All; Stop-BunqueueServer -All }

    It 'the writers really loaded bunqueue (thousands of acknowledged durable adds, none failed)' {
        $summary.failed | Should -Be 0
        $acks.Count | Should -Be $summary.acked
        $acks.Count | Should -BeGreaterThan 2000
        $runs | Should -HaveCount 3
        $runs.Backup.Name | Select-Object -Unique | Should -HaveCount 3
    }

    It 'every job acknowledged before a backup started is in that backup, and each restores verified' {
        $i = 0
        foreach ($run in $runs) {
            $i++
            $scratch = Join-Path $TestDrive "live/restored-$i/bunqueue.db"
            New-Item -ItemType Directory -Force (Split-Path $scratch) | Out-Null
            $result = Restore-BqBackup -Path $scratch -Destination $dest -Name $run.Backup.Name -Confirm:$false
            $result.IntegrityCheck | Should -Be 'ok'
            $result.ChecksumVerified | Should -BeTrue
            sqlite3 $scratch 'PRAGMA integrity_check' | Should -Be 'ok'

            $inSnapshot = Get-DatabaseJobIds -Path $scratch
            $before = @($acks | Where-Object AckMs -lt $run.StartMs)
            $before.Count | Should -BeGreaterThan 0 -Because "backup $i started after the writers had been acknowledged"
            $missing = @($before | Where-Object { -not $inSnapshot.Contains($_.Id) })
            $missing.Count | Should -Be 0 -Because ("backup {0} ({1}) must hold all {2} jobs acknowledged before it started; missing e.g. {3}" -f
                $i, $run.Backup.Name, $before.Count, (($missing | Select-Object -First 3).Id -join ', '))
            # What the backup says it holds is what is in it.
            $result.Counts.Jobs | Should -Be $run.Backup.Counts.Jobs
            [long](sqlite3 $scratch "SELECT COUNT(*) FROM jobs WHERE queue = 'load'") | Should -Be $run.Backup.Counts.Waiting
            Write-Host ('Backup {0}: {1} jobs acknowledged before it started, all present; {2} in the snapshot ({3} acknowledged after the start)' -f
                $i, $before.Count, $inSnapshot.Count, ($inSnapshot.Count - $before.Count))
        }
    }

    It 'the newest snapshot opens in bunqueue: /ready answers and the client counts its jobs' {
        $run = $runs[-1]
        $copy = Join-Path $TestDrive 'live/reopened/bunqueue.db'
        New-Item -ItemType Directory -Force (Split-Path $copy) | Out-Null
        Restore-BqBackup -Path $copy -Destination $dest -Name $run.Backup.Name -Confirm:$false | Out-Null
        $expected = [long](sqlite3 $copy "SELECT COUNT(*) FROM jobs WHERE queue = 'load' AND state = 'waiting'")
        $server = Start-BunqueueServer -DataPath $copy
        try {
            Test-BunqueueReady $server | Should -BeTrue
            $state = Get-BunqueueState $server -Queues 'load'
            $state.load.counts.waiting | Should -Be $expected
            $state.load.counts.waiting | Should -Be $run.Backup.Counts.Waiting
        }
        finally { Stop-BunqueueServer $server }
    }

    It 'measures add() latency with and without a backup running (figures only, no assertion on them)' {
        # An add overlaps a backup when it was called before the backup ended and acknowledged after it started.
        $during = [System.Collections.Generic.List[double]]::new()
        $outside = [System.Collections.Generic.List[double]]::new()
        foreach ($a in $acks) {
            $overlaps = $false
            foreach ($run in $runs) { if ($a.CallMs -le $run.EndMs -and $a.AckMs -ge $run.StartMs) { $overlaps = $true; break } }
            if ($overlaps) { $during.Add($a.LatencyMs) } else { $outside.Add($a.LatencyMs) }
        }
        $report = [ordered]@{
            measuredAt     = [datetime]::UtcNow.ToString('o')
            unit           = 'ms'
            note           = 'bunqueue add() latency (durable: true) seen by one bun writer over loopback TCP; the server, the writer and New-BqBackup share this machine''s CPUs.'
            machine        = [ordered]@{ logicalCpus = [Environment]::ProcessorCount; os = [Runtime.InteropServices.RuntimeInformation]::OSDescription }
            bunqueue       = (Get-Content -Raw (Join-Path $PSScriptRoot '../node/node_modules/bunqueue/package.json') | ConvertFrom-Json).version
            bun            = (Get-Content -Raw (Join-Path $PSScriptRoot '../node/node_modules/bun/package.json') | ConvertFrom-Json).version
            writer         = [ordered]@{ concurrency = $concurrency; payloadBytes = $payloadBytes; durable = $true; acked = $summary.acked; seconds = $summary.seconds; perSecond = $summary.perSecond }
            backups        = @($runs | ForEach-Object { [ordered]@{ name = $_.Backup.Name; durationMs = $_.EndMs - $_.StartMs; databaseBytes = $_.Backup.DatabaseSize; storedBytes = $_.Backup.Size; jobs = $_.Backup.Counts.Jobs } })
            withoutBackup  = Get-LatencySummary $outside.ToArray()
            duringBackup   = Get-LatencySummary $during.ToArray()
        }
        New-Item -ItemType Directory -Force $resultsDir | Out-Null
        $file = Join-Path $resultsDir 'bunqueue-latency.json'
        $report | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $file -Encoding utf8
        foreach ($k in 'withoutBackup', 'duringBackup') {
            $s = $report[$k]
            Write-Host ('add() latency {0,-13}: p50 {1} ms, p99 {2} ms, max {3} ms over {4} adds' -f $k, $s.p50, $s.p99, $s.max, $s.count)
        }
        Write-Host "Latency figures written to $([IO.Path]::GetFullPath($file))"

        $report.withoutBackup.count | Should -BeGreaterThan 0
        $report.duringBackup.count | Should -BeGreaterThan 0
        (Get-Content -Raw $file | ConvertFrom-Json).duringBackup.p99 | Should -Not -BeNullOrEmpty
    }
}

Describe 'Restore-BqBackup into a stopped server''s data path, then bunqueue reloads it' {
    BeforeAll {
        $script:data = Join-Path $TestDrive 'reload/data/bunqueue.db'
        $script:dest = Join-Path $TestDrive 'reload/backups'
        $queues = 'orders', 'reports', 'failing'

        $first = Start-BunqueueServer -DataPath $data
        $script:seed = Initialize-BunqueueState $first
        $script:expected = Get-BunqueueState $first -Queues $queues
        Stop-BunqueueServer $first
        $script:cleanShutdown = -not (Test-Path "$data-wal")
        $script:backup = New-BqBackup -Path $data -Destination $dest

        $second = Start-BunqueueServer -DataPath $data
        $script:mutation = Invoke-BunScript -Name 'mutate.mjs' -Arguments @('--port', $second.TcpPort)
        $script:changed = Get-BunqueueState $second -Queues $queues
        Stop-BunqueueServer $second
        $mutationIds = Join-Path $TestDrive 'reload/mutation-ids.txt'
        Set-Content -LiteralPath $mutationIds -Value $mutation.added

        $script:result = Restore-BqBackup -Path $data -Destination $dest -Latest -Confirm:$false

        $third = Start-BunqueueServer -DataPath $data
        $script:reloaded = Get-BunqueueState $third -Queues $queues -IdsFile $mutationIds -IdsQueue 'orders'
        Stop-BunqueueServer $third
    }

    # Whatever failed above, nothing this block started outlives it.
    AfterAll { Stop-BunqueueWriter -All; Stop-BunqueueServer -All }

    It 'the scenario really changed the state between the backup and the restore' {
        $cleanShutdown | Should -BeTrue -Because 'SIGTERM makes bunqueue checkpoint and remove its -wal'
        Format-Counts $changed 'orders' | Should -Not -Be (Format-Counts $expected 'orders')
        Format-Schedulers $changed 'reports' | Should -Not -Be (Format-Schedulers $expected 'reports')
        $changed.failing.dlq | Should -BeNullOrEmpty
        $mutation.added | Should -HaveCount 7
    }

    It 'restores the backup it was asked for, verified, with the counts it recorded' {
        $result.BackupName | Should -Be $backup.Name
        $result.ChecksumVerified | Should -BeTrue
        $result.IntegrityCheck | Should -Be 'ok'
        "$($result.Counts)" | Should -Be "$($backup.Counts)"
        $backup.Counts.Waiting | Should -Be 5
        $backup.Counts.Prioritized | Should -Be 3
        $backup.Counts.Delayed | Should -Be 2
        $backup.Counts.Dlq | Should -Be 1
        $backup.Counts.CronJobs | Should -Be 2
    }

    It 'bunqueue reports exactly the backup''s waiting, prioritized and delayed jobs' {
        Format-Counts $reloaded 'orders', 'reports', 'failing' | Should -Be (Format-Counts $expected 'orders', 'reports', 'failing')
        $reloaded.orders.counts.waiting | Should -Be 5
        $reloaded.orders.counts.prioritized | Should -Be 3
        $reloaded.orders.counts.delayed | Should -Be 2
    }

    It 'bunqueue has exactly the backup''s cron schedules' {
        Format-Schedulers $reloaded 'reports' | Should -Be (Format-Schedulers $expected 'reports')
        $reloaded.reports.schedulers.id | Should -Be 'nightly-report', 'weekly-digest'
    }

    It 'bunqueue has exactly the backup''s DLQ entries' {
        $reloaded.failing.dlq | Should -Be $seed.dlq
        $reloaded.orders.dlq + $reloaded.reports.dlq | Should -BeNullOrEmpty
    }

    It 'none of the jobs added after the backup came back' {
        $reloaded.present | Should -BeNullOrEmpty
    }
}

Describe 'Restore-BqBackup refuses while bunqueue runs on the database' {
    BeforeAll {
        $script:data = Join-Path $TestDrive 'inuse/data/bunqueue.db'
        $script:dest = Join-Path $TestDrive 'inuse/backups'
        $script:server = Start-BunqueueServer -DataPath $data
        Initialize-BunqueueState $server | Out-Null
        New-BqBackup -Path $data -Destination $dest | Out-Null
        # More work after the backup, so a restore would really change something.
        $w = Start-BunqueueWriter -Server $server -OutFile (Join-Path $TestDrive 'inuse/acks.txt') -Queue 'orders' -MaxJobs 50 -Concurrency 4 -Seconds 10
        Wait-BunqueueWriterProgress $w -Jobs 50
        Wait-BunqueueWriter $w | Out-Null
        # The same folder reached through a symlink, as when /var/lib/bunqueue links to a volume.
        $script:linked = Join-Path $TestDrive 'inuse/linked'
        New-Item -ItemType SymbolicLink -Path $linked -Target (Split-Path $data) | Out-Null
    }

    # Whatever failed above, nothing this block started outlives it.
    AfterAll { Stop-BunqueueWriter -All; Stop-BunqueueServer -All }

    It 'fails with DatabaseInUse naming the server''s pid, and leaves the live database untouched (-Path through <Via>)' -ForEach @(
        @{ Via = 'the path bunqueue was started with'; ThroughLink = $false }
        @{ Via = 'a symlink to its folder'; ThroughLink = $true }
    ) {
        $folder = Split-Path $data
        $target = if ($ThroughLink) { Join-Path $linked 'bunqueue.db' } else { $data }
        $before = @{}
        foreach ($f in Get-ChildItem -Force $folder) { $before[$f.Name] = Get-FileSha256 $f.FullName }
        $before.Keys | Should -Contain 'bunqueue.db-wal' -Because 'a running bunqueue keeps its -wal open'

        $e = Get-ErrorOf { Restore-BqBackup -Path $target -Destination $dest -Latest -Confirm:$false -ErrorAction Stop }
        $e | Should -Not -BeNullOrEmpty
        $e.FullyQualifiedErrorId | Should -Be 'DatabaseInUse,BqBackup.Commands.RestoreBqBackupCommand'
        $e.Exception.Message | Should -Match "\(pid $($server.Pid)\)"
        $e.CategoryInfo.Category | Should -Be 'ResourceBusy'

        $after = @{}
        foreach ($f in Get-ChildItem -Force $folder) { $after[$f.Name] = Get-FileSha256 $f.FullName }
        ($after.Keys | Sort-Object) | Should -Be ($before.Keys | Sort-Object) -Because 'nothing moved aside, no temp file left'
        foreach ($name in $before.Keys) { $after[$name] | Should -Be $before[$name] -Because "$name must not change" }
        Test-BunqueueReady $server | Should -BeTrue
        (Get-BunqueueState $server -Queues 'orders').orders.counts.waiting | Should -Be 55
    }
}

Describe 'Stale WAL: restoring over a crashed bunqueue''s database' {
    BeforeAll {
        $script:data = Join-Path $TestDrive 'stale/data/bunqueue.db'
        $script:dest = Join-Path $TestDrive 'stale/backups'
        $script:afterFile = Join-Path $TestDrive 'stale/after-backup.txt'
        $queues = 'orders', 'reports', 'failing', 'load', 'late'

        $server = Start-BunqueueServer -DataPath $data
        Initialize-BunqueueState $server | Out-Null
        $w = Start-BunqueueWriter -Server $server -OutFile (Join-Path $TestDrive 'stale/before-backup.txt') -Queue 'load' -MaxJobs 500 -Seconds 10
        Wait-BunqueueWriterProgress $w -Jobs 500
        Wait-BunqueueWriter $w | Out-Null
        $script:backup = New-BqBackup -Path $data -Destination $dest

        # Jobs the backup cannot have: a queue of their own, and more in 'orders'.
        $w = Start-BunqueueWriter -Server $server -OutFile $afterFile -Queue 'late' -MaxJobs 300 -Seconds 10
        Wait-BunqueueWriterProgress $w -Jobs 300
        Wait-BunqueueWriter $w | Out-Null
        $script:late = @(Read-BunqueueWriterLog $afterFile)
        $script:walBeforeKill = (Get-Item "$data-wal").Length
        Stop-BunqueueServer $server -Kill
        $script:killed = $server.Process.HasExited
        $script:walSha = Get-FileSha256 "$data-wal"
        $script:leftBehind = (Get-ChildItem -Force (Split-Path $data)).Name

        $script:result = Restore-BqBackup -Path $data -Destination $dest -Name $backup.Name -Confirm:$false
        $script:besideAfterRestore = (Get-ChildItem -Force (Split-Path $data)).Name

        $restarted = Start-BunqueueServer -DataPath $data
        $script:state = Get-BunqueueState $restarted -Queues $queues -IdsFile $afterFile -IdsQueue 'late'
        Stop-BunqueueServer $restarted
    }

    # Whatever failed above, nothing this block started outlives it.
    AfterAll { Stop-BunqueueWriter -All; Stop-BunqueueServer -All }

    It 'the crash left a non-empty -wal and its -shm beside the database' {
        $killed | Should -BeTrue
        $late | Should -HaveCount 300
        $walBeforeKill | Should -BeGreaterThan 0
        $leftBehind | Should -Contain 'bunqueue.db-wal'
        $leftBehind | Should -Contain 'bunqueue.db-shm'
    }

    It 'moves the old -wal and -shm aside as *.corrupted-* with the database, so none is replayed' {
        $wal = $result.MovedAside | Where-Object From -eq "$data-wal"
        $wal.To | Should -Match 'bunqueue\.db-wal\.corrupted-\d{8}T\d{6}Z(-\d+)?$'
        Get-FileSha256 $wal.To | Should -Be $walSha
        ($result.MovedAside | Where-Object From -eq "$data-shm").To | Should -Match 'bunqueue\.db-shm\.corrupted-'
        ($result.MovedAside | Where-Object From -eq $data).To | Should -Match 'bunqueue\.db\.corrupted-'
        $besideAfterRestore | Should -Not -Contain 'bunqueue.db-wal'
        $besideAfterRestore | Should -Not -Contain 'bunqueue.db-shm'
    }

    It 'bunqueue comes back with exactly the backup''s counts' {
        $sum = { param($field) ($state.PSObject.Properties | Where-Object Name -ne 'present' | ForEach-Object { $_.Value.counts.$field } | Measure-Object -Sum).Sum }
        & $sum 'waiting' | Should -Be $backup.Counts.Waiting
        & $sum 'prioritized' | Should -Be $backup.Counts.Prioritized
        & $sum 'delayed' | Should -Be $backup.Counts.Delayed
        & $sum 'active' | Should -Be $backup.Counts.Active
        & $sum 'completed' | Should -Be $backup.Counts.Completed
        $state.failing.dlq | Should -HaveCount $backup.Counts.Dlq
        $state.reports.schedulers | Should -HaveCount $backup.Counts.CronJobs
        $state.load.counts.waiting | Should -Be 500
    }

    It 'none of the jobs added after the backup is there' {
        $state.late.counts.waiting | Should -Be 0
        $state.present | Should -BeNullOrEmpty
    }
}
