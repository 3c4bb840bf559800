# One backup to several destinations (New-BqBackup -Destination d1, d2, d3) and the health of each
# copy (Get-BqBackupStatus -Destination d1, d2): against a folder and two s3rver instances, the
# committed copies checked with awscli and gunzip.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:serverA = Start-S3Server -Bucket 'bqtest' -Root $TestDrive
    $script:serverB = Start-S3Server -Bucket 'bqcopy' -Root $TestDrive
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 800 | Out-Null
    $script:s3A = @{ EndpointUrl = $serverA.Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
    $script:s3B = @{ EndpointUrl = $serverB.Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
    function Get-ErrorId($Record) { ($Record.FullyQualifiedErrorId -split ',')[0] }
}

AfterAll { Stop-S3Server $serverA; Stop-S3Server $serverB }

Describe 'New-BqBackup -Destination d1, d2, d3' {
    BeforeEach { $script:folder = Join-Path $TestDrive ("fan-" + [guid]::NewGuid().ToString('N')) }

    It 'gives one BackupInfo per destination that committed and one error for the one that cannot be reached; the two copies are the same bytes' {
        $prefix = 'fan-' + [guid]::NewGuid().ToString('N') + '/'
        $out = New-BqBackup -Path $db -Destination $folder, "s3://bqtest/$prefix", 's3://no-such-bucket/' @s3A -ErrorVariable errs -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 2
        $out[0].Destination | Should -Be $folder
        $out[1].Destination | Should -Be "s3://bqtest/$prefix"
        $out[1].Name | Should -Be $out[0].Name
        @($errs).Count | Should -Be 1
        Get-ErrorId $errs[0] | Should -Be 'BucketNotFound'
        $errs[0].FullyQualifiedErrorId | Should -Match 'NewBqBackupCommand$'

        # awscli fetches the S3 copy; both gunzip (the independent gzip) to the database the sidecar describes.
        $fromS3 = Join-Path $TestDrive "$($out[1].Name).s3"
        Invoke-Aws $serverA s3 cp "s3://bqtest/$prefix$($out[1].Name)" $fromS3 | Out-Null
        $local = Join-Path $folder $out[0].Name
        Get-FileSha256 $fromS3 | Should -Be (Get-FileSha256 $local)
        $raw = Join-Path $TestDrive 'fan-raw.db'
        & /usr/bin/gzip -dc $fromS3 > $raw
        $LASTEXITCODE | Should -Be 0
        Get-FileSha256 $raw | Should -Be $out[0].Sha256
        (Invoke-Aws $serverA s3 cp "s3://bqtest/$prefix$($out[1].Name).meta.json" -) -join "`n" | ConvertFrom-Json |
            ForEach-Object { $_.checksum | Should -Be $out[0].Sha256 }

        # The status record is written in each destination that could take it.
        (Get-BqBackupStatus -Destination $folder).Status | Should -Be 'Healthy'
        (Invoke-Aws $serverA s3 ls "s3://bqtest/$prefix") -join "`n" | Should -Match 'bqbackup-status\.json'
    }

    It 'lists what it would do for every destination under -WhatIf and creates nothing' {
        $text = Invoke-ChildPwsh "New-BqBackup -Path '$db' -Destination '$folder/a', '$folder/b' -WhatIf"
        $text | Should -Match ([regex]::Escape("Back up to '$folder/a', '$folder/b'"))
        Test-Path $folder | Should -BeFalse
    }

    It 'refuses a destination named twice before anything runs' {
        { New-BqBackup -Path $db -Destination $folder, $folder -ErrorAction Stop } | Should -Throw -ErrorId 'DestinationConflict,BqBackup.Commands.NewBqBackupCommand'
        Test-Path $folder | Should -BeFalse
    }

    It 'still binds Path and Destination by property name, one record at a time' {
        $rows = @([pscustomobject]@{ Path = $db; Destination = "$folder/one" }, [pscustomobject]@{ Path = $db; Destination = "$folder/two" })
        $out = $rows | New-BqBackup
        @($out).Count | Should -Be 2
        $out.Destination | Should -Be @("$folder/one", "$folder/two")
        (Get-ChildItem "$folder/one" -Filter '*.db.gz').Count | Should -Be 1
        (Get-ChildItem "$folder/two" -Filter '*.db.gz').Count | Should -Be 1
    }
}

Describe 'A fan-out killed after the first destination committed' {
    It 'leaves the backup in the first, nothing that lists in the second, and the next run completes both and cleans up' {
        $d1 = Join-Path $TestDrive 'killed-1'; $d2 = Join-Path $TestDrive 'killed-2'
        $tmp = New-Item -ItemType Directory (Join-Path $TestDrive 'killed-tmp')
        Invoke-WithEnvironment @{ BQBACKUP_KILL_AT = 'backup-committed'; TMPDIR = $tmp.FullName } {
            Invoke-ChildPwsh "New-BqBackup -Path '$db' -Destination '$d1', '$d2'" } | Out-Null
        @(Get-BqBackup -Destination $d1).Count | Should -Be 1
        @(Get-BqBackup -Destination $d2) | Should -BeNullOrEmpty
        Get-ChildItem -Force $d2 | Should -Not -BeNullOrEmpty # the killed run's claim and partial body: proof it died mid-way

        (Get-ChildItem -Force $tmp -Filter 'bqbackup-*') | Should -Not -BeNullOrEmpty # the killed run's scratch folder
        $next = Invoke-WithEnvironment @{ TMPDIR = $tmp.FullName } { New-BqBackup -Path $db -Destination $d1, $d2 }
        @($next).Count | Should -Be 2
        $next[1].Name | Should -Be $next[0].Name
        @(Get-BqBackup -Destination $d2).Count | Should -Be 1
        Get-ChildItem -Force $d2 -Filter '.*' | Should -BeNullOrEmpty -Because 'the dead run''s partial body is removed by the next run'
        Get-ChildItem -Force $tmp -Filter 'bqbackup-*' | Should -BeNullOrEmpty
        (Test-BqBackup -Destination $d2 -Latest).Passed | Should -BeTrue
    }
}

Describe 'Get-BqBackupStatus -Destination d1, d2' {
    BeforeAll {
        # The primary (a folder) backed up now; the copy (the second s3rver) last got one 8 hours ago.
        $script:primary = Join-Path $TestDrive 'primary'
        $script:copyUrl = 's3://bqcopy/lag/'
        $fresh = New-BqBackup -Path $db -Destination $primary
        $staging = Join-Path $TestDrive 'staging'
        $old = New-BqBackup -Path $db -Destination $staging
        $oldName = Copy-BackupAsOf -Backup $old -TimestampUtc ([datetime]::UtcNow.AddHours(-8))
        foreach ($file in $oldName, "$oldName.meta.json") { Invoke-Aws $serverB s3 cp (Join-Path $staging $file) "${copyUrl}$file" | Out-Null }
    }

    It 'gives one row per destination, and a copy older than the primary by more than the interval is Warning with that reason' {
        $rows = Get-BqBackupStatus -Destination $primary, $copyUrl @s3B
        @($rows).Count | Should -Be 2
        $rows[0].Destination | Should -Be $primary
        $rows[0].Status | Should -Be 'Healthy'
        $rows[0].Primary | Should -BeNullOrEmpty
        $rows[1].Destination | Should -Be $copyUrl
        $rows[1].Status | Should -Be 'Warning'
        $rows[1].ExitCode | Should -Be 1
        $rows[1].Primary | Should -Be $primary
        $rows[1].LagBehindPrimarySeconds | Should -BeGreaterThan (7 * 3600)
        "$($rows[1].Reasons)" | Should -Match "lags behind the primary '$([regex]::Escape($primary))'"
    }

    It 'is Healthy with a wider -Interval, and takes the destinations from the pipeline, each once' {
        $rows = Get-BqBackupStatus -Destination $primary, $copyUrl @s3B -Interval '12:00:00'
        $rows[1].Status | Should -Be 'Healthy'
        $piped = @(Get-BqBackup -Destination $primary) + @([pscustomobject]@{ Destination = $copyUrl }, [pscustomobject]@{ Destination = $copyUrl }) |
            Get-BqBackupStatus @s3B
        @($piped).Count | Should -Be 2
        $piped[1].Status | Should -Be 'Warning'
    }

    It 'gives one Prometheus exposition with each metric once and a destination label per copy' {
        $text = Get-BqBackupStatus -Destination $primary, $copyUrl @s3B -AsPrometheus
        @($text).Count | Should -Be 1
        $lines = $text -split "`n"
        @($lines | Where-Object { $_ -eq '# TYPE bqbackup_status gauge' }).Count | Should -Be 1
        $lines | Should -Contain "bqbackup_status{destination=`"$primary`"} 0"
        $lines | Should -Contain "bqbackup_status{destination=`"$copyUrl`"} 1"
        @($lines | Where-Object { $_ -like "bqbackup_copy_lag_seconds{destination=`"$copyUrl`",primary=`"$primary`"} *" }).Count | Should -Be 1
    }
}

Describe 'A fan-out to two buckets of a server that checks signatures (moto): zstd and Object Lock' {
    BeforeAll {
        $script:moto = Start-MotoServer -Root $TestDrive
        $script:s3M = $moto.Parameters
    }
    AfterAll { Stop-MotoServer $moto }

    It 'compresses once with -Compression Zstd and writes the same .db.zst to both; the stock zstd -d reads each to the database the sidecar names' {
        New-MotoBucket $moto 'zstd-one' | Out-Null
        New-MotoBucket $moto 'zstd-two' | Out-Null
        $out = @(New-BqBackup -Path $db -Destination 's3://zstd-one/', 's3://zstd-two/' -Compression Zstd -CompressionLevel Fastest @s3M)
        $out.Count | Should -Be 2
        $out.Destination | Should -Be @('s3://zstd-one/', 's3://zstd-two/')
        $out | ForEach-Object { $_.Compression | Should -Be 'Zstd'; $_.Name | Should -Match '\.db\.zst$' }
        $bodies = foreach ($bucket in 'zstd-one', 'zstd-two') {
            $local = Join-Path $TestDrive "$bucket.db.zst"
            Invoke-Aws $moto s3 cp "s3://$bucket/$($out[0].Name)" $local | Out-Null
            & /usr/bin/zstd -q -d -f $local -o "$local.db"; $LASTEXITCODE | Should -Be 0
            Get-FileSha256 "$local.db" | Should -Be $out[0].Sha256
            Get-FileSha256 $local
        }
        $bodies[1] | Should -Be $bodies[0]
    }

    It 'locks the backup in the bucket with Object Lock, and the one without is ObjectLockNotEnabled with nothing written there' {
        New-MotoBucket $moto 'fan-locked' -ObjectLock | Out-Null
        New-MotoBucket $moto 'fan-plain' | Out-Null
        $before = [datetime]::UtcNow
        $out = @(New-BqBackup -Path $db -Destination 's3://fan-locked/', 's3://fan-plain/' -LockMode Governance -LockDays 1 @s3M -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 1
        $out[0].Destination | Should -Be 's3://fan-locked/'
        $out[0].LockMode | Should -Be 'Governance'
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'ObjectLockNotEnabled,BqBackup.Commands.NewBqBackupCommand'
        $head = Invoke-Aws $moto s3api head-object --bucket fan-locked --key $out[0].Name | ConvertFrom-Json
        $head.ObjectLockMode | Should -Be 'GOVERNANCE'
        ([datetime]$head.ObjectLockRetainUntilDate).ToUniversalTime() | Should -BeGreaterThan $before.AddDays(1).AddMinutes(-1)
        # Only the status record, which says this destination's failure; no body, sidecar or claim.
        $keys = @((Invoke-Aws $moto s3api list-objects-v2 --bucket fan-plain | Out-String | ConvertFrom-Json).Contents.Key)
        $keys | Should -Be @('bqbackup-status.json')
        Get-BqBackup -Destination 's3://fan-plain/' @s3M | Should -BeNullOrEmpty
        (Invoke-Aws $moto s3api list-multipart-uploads --bucket fan-plain | Out-String) | Should -Not -Match '"UploadId"'
    }
}
