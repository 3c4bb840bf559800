# -Verbose tells each step with its figures; no secret given as -SecretKey reaches any stream.
# (S3.Tests.ps1 already checks New-BqBackup and Get-BqBackup with a secret; this adds the others.)
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 250 | Out-Null
    $script:dest = Join-Path $TestDrive 'backups'

    # The verbose messages of a command, as text, and its output.
    function Invoke-Verbose([scriptblock] $Command) {
        $all = & $Command 4>&1
        [pscustomobject]@{
            Verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            Output  = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        }
    }
}

Describe 'New-BqBackup -Verbose' {
    BeforeAll {
        $script:run = Invoke-Verbose { New-BqBackup -Path $db -Destination $dest -Verbose }
        $script:backup = $run.Output | Where-Object { $_ -is [BqBackup.BackupInfo] }
        $script:text = $run.Verbose -join "`n"
    }

    It 'tells the snapshot: the source and its size, then what was written and how long it took' {
        $text | Should -Match "Snapshot of '$([regex]::Escape($db))' \([\d,]+ bytes\)"
        $text | Should -Match 'Snapshot written: [\d,]+ bytes in \d+\.\d+ s'
    }

    It 'tells the integrity check, with the schema version and the row counts' {
        $text | Should -Match "integrity_check ok; schema version 37; jobs=250 \(waiting=\d+ .*\) dlq=\d+ cron=\d+"
    }

    It 'tells where it stores, and what it stored: bytes, SHA-256, time' {
        $text | Should -Match "Storing as '$([regex]::Escape($backup.Name))' in '$([regex]::Escape($dest))'"
        $text | Should -Match "Stored $('{0:N0}' -f $backup.Size) bytes \(database $('{0:N0}' -f $backup.DatabaseSize) bytes, sha256 $($backup.Sha256)\) in '$([regex]::Escape($dest))' in \d+\.\d+ s"
    }

    It 'tells the steps in order' {
        # The integrity check runs beside the compression, so it is told after 'Storing as' and
        # before 'Stored': the sidecar that carries its counts is written before the body commits.
        $order = 'Snapshot of', 'Snapshot written', 'Storing as', 'integrity_check ok', 'Stored '
        $positions = foreach ($step in $order) { $text.IndexOf($step) }
        $positions | Should -Not -Contain -1
        ($positions | Sort-Object) | Should -Be $positions
    }
}

Describe 'Restore-BqBackup -Verbose' {
    BeforeAll {
        $script:backup = New-BqBackup -Path $db -Destination (Join-Path $TestDrive 'restore-src')
        $script:live = Join-Path $TestDrive 'live.db'
        Copy-Item $db $live
        $script:run = Invoke-Verbose { $backup | Restore-BqBackup -Path $live -Confirm:$false -Verbose }
        $script:text = $run.Verbose -join "`n"
    }

    It 'tells the fetch: bytes stored, bytes of database, SHA-256' {
        $text | Should -Match "Fetched '$([regex]::Escape($backup.Name))': $('{0:N0}' -f $backup.Size) bytes stored, $('{0:N0}' -f $backup.DatabaseSize) bytes of database, sha256 $($backup.Sha256)"
    }

    It 'tells the verification against the sidecar' {
        $text | Should -Match "Verified '$([regex]::Escape($backup.Name))' against its sidecar: $('{0:N0}' -f $backup.Size) bytes stored, $('{0:N0}' -f $backup.DatabaseSize) bytes of database, sha256 $($backup.Sha256)"
    }

    It 'tells that integrity_check is skipped and why, and the counts of the restored copy' {
        $text | Should -Match "'$([regex]::Escape($backup.Name))': skipping integrity_check of the restored copy: its SHA-256 matches the snapshot that passed integrity_check when the backup was taken \(-IntegrityCheck runs it anyway\)"
        $text | Should -Match 'Inspected without integrity_check; schema version 37; jobs=250 '
        $text | Should -Not -Match 'integrity_check ok'
    }

    It 'tells how the body was inflated' {
        $text | Should -Match 'inflated in 1 blocks on \d+ cores, fetched, inflated, hashed and written in \d+\.\d+ s'
    }

    It 'tells each file it moved aside' {
        $text | Should -Match "Moved aside: $([regex]::Escape($live)) -> $([regex]::Escape($live))\.corrupted-\d{8}T\d{6}Z"
    }

    It 'tells the steps in order' {
        $positions = foreach ($step in 'Fetched', 'Verified', 'skipping integrity_check', 'Inspected', 'Moved aside') { $text.IndexOf($step) }
        $positions | Should -Not -Contain -1
        ($positions | Sort-Object) | Should -Be $positions
    }
}

Describe '-IntegrityCheck on Restore-BqBackup and Test-BqBackup, and which check -Verbose says was done' {
    BeforeAll {
        $script:src = Join-Path $TestDrive 'integrity-src'
        $script:ours = New-BqBackup -Path $db -Destination $src
        # A backup as bunqueue writes it: gzip of the database, its sidecar in bunqueue's own format only.
        $script:theirsName = 'bunqueue-2026-05-01T00-00-00-000Z-6f1c2d3e-0000-4000-8000-000000000001.db'
        & bash -c "gzip -c '$db' > '$(Join-Path $src $theirsName)'" 
        $meta = [ordered]@{ timestamp = '2026-05-01T00:00:00.000Z'; version = '2.9.5'; size = (Get-Item $db).Length
            compressedSize = (Get-Item (Join-Path $src $theirsName)).Length; checksum = (Get-FileSha256 $db); compressed = $true }
        $meta | ConvertTo-Json | Set-Content (Join-Path $src "$theirsName.meta.json")
    }

    It 'Restore-BqBackup -IntegrityCheck runs it on our backup and says why' {
        $run = Invoke-Verbose { $ours | Restore-BqBackup -Path (Join-Path $TestDrive 'ic-1.db') -IntegrityCheck -Confirm:$false -Verbose }
        $text = $run.Verbose -join "`n"
        $run.Output[0].IntegrityProof | Should -Be 'integrity_check'
        $text | Should -Match "running integrity_check on the restored copy, as -IntegrityCheck asks"
        $text | Should -Match 'integrity_check ok; schema version 37; jobs=250 '
    }

    It 'without it our backup is proven by its checksum' {
        $r = $ours | Restore-BqBackup -Path (Join-Path $TestDrive 'ic-2.db') -Confirm:$false
        $r.IntegrityProof | Should -Be 'checksum'
        $r.IntegrityCheck | Should -Be 'ok'
        sqlite3 (Join-Path $TestDrive 'ic-2.db') 'PRAGMA integrity_check' | Should -Be 'ok'
    }

    It 'bunqueue''s backup always gets integrity_check, inflated as one stream, and -Verbose says why' {
        $run = Invoke-Verbose { Restore-BqBackup -Path (Join-Path $TestDrive 'ic-3.db') -Destination $src -Name $theirsName -Confirm:$false -Verbose }
        $text = $run.Verbose -join "`n"
        $run.Output[0].IntegrityProof | Should -Be 'integrity_check'
        $run.Output[0].ChecksumVerified | Should -BeTrue
        $text | Should -Match "its sidecar \(bunqueue's\) does not record an integrity_check of the snapshot"
        $text | Should -Match 'has no block index in its sidecar'
        $text | Should -Match 'inflated as one stream'
    }

    It 'Test-BqBackup: proven by checksum unless -IntegrityCheck; bunqueue''s always checked' {
        $plain = Test-BqBackup -Destination $src -All
        ($plain | Where-Object Name -eq $ours.Name).IntegrityProof | Should -Be 'checksum'
        ($plain | Where-Object Name -eq $theirsName).IntegrityProof | Should -Be 'integrity_check'
        $plain.Passed | Should -Not -Contain $false
        $run = Invoke-Verbose { Test-BqBackup -Destination $src -Name $ours.Name -IntegrityCheck -Verbose }
        $run.Output[0].IntegrityProof | Should -Be 'integrity_check'
        ($run.Verbose -join "`n") | Should -Match 'as -IntegrityCheck asks'
    }
}

Describe 'A secret given as -SecretKey stays out of every stream of the other cmdlets' {
    BeforeAll {
        $script:server = Start-S3Server -Bucket 'bqtest' -Root $TestDrive
        $script:secret = 'sEcReT-Verbose-Restore-9c1d'   # s3rver never checks secrets, so this one works
        $script:s3 = @{ EndpointUrl = $server.Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = $secret }
        $script:s3Dest = 's3://bqtest/verbose/'
        New-BqBackup -Path $db -Destination $s3Dest @s3 | Out-Null
    }
    AfterAll { Stop-S3Server $server }

    It '<Command> -Verbose -Debug' -ForEach @(
        @{ Command = 'Restore'; Script = { Restore-BqBackup -Path (Join-Path $TestDrive 'from-s3.db') -Destination $s3Dest -Latest -Confirm:$false @s3 -Verbose -Debug } }
        @{ Command = 'Test'; Script = { Test-BqBackup -Destination $s3Dest -All @s3 -Verbose -Debug } }
        @{ Command = 'Remove -WhatIf'; Script = { Remove-BqBackupExpired -Destination $s3Dest -RetentionDays 1 -WhatIf @s3 -Verbose -Debug } }
        @{ Command = 'Retention'; Script = { Get-BqBackupRetention -Destination $s3Dest -RetentionDays 1 @s3 -Verbose -Debug } }
        @{ Command = 'Remove-BqBackup -WhatIf'; Script = { Remove-BqBackup -Destination $s3Dest -Name 'backup-*' -WhatIf @s3 -Verbose -Debug } }
        @{ Command = 'Status'; Script = { Get-BqBackupStatus -Destination $s3Dest @s3 -Verbose -Debug; Get-BqBackupStatus -Destination $s3Dest -AsPrometheus @s3 } }
        @{ Command = 'Restore, failing'; Script = { try { Restore-BqBackup -Path (Join-Path $TestDrive 'x.db') -Destination 's3://no-such-bucket/' -Latest -Confirm:$false @s3 -Verbose -Debug } catch { $_ } } }
    ) {
        $all = & $Script *>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.ToString(); $_.Exception.ToString(); $_.ErrorDetails.RecommendedAction }
            else { $_ | Format-List * -Force | Out-String }
        }
        $text = $all -join "`n"
        $text | Should -Not -BeNullOrEmpty
        $text | Should -Not -Match $secret
    }

    It 'and the restore really ran through S3, verbose and all' {
        $run = Invoke-Verbose { Restore-BqBackup -Path (Join-Path $TestDrive 'again.db') -Destination $s3Dest -Latest -Confirm:$false @s3 -Verbose }
        ($run.Verbose -join "`n") | Should -Match 'Verified .* against its sidecar'
        ($run.Verbose -join "`n") | Should -Not -Match $secret
    }
}
