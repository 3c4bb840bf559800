# The four cmdlets against a real S3 server (s3rver on loopback), checked with Debian's awscli, and
# interoperating both ways with bunqueue's own built-in S3 backup (bun + bunqueue from npm).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:server = Start-S3Server -Bucket 'bqtest' -Root $TestDrive
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 500 | Out-Null
    $script:s3 = @{ EndpointUrl = $server.Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
    $script:bunqueueEnv = Get-BunqueueS3Environment -Server $server
}

AfterAll { Stop-S3Server $server }

Describe 'S3 destinations' {
    It 'with bunqueue''s S3_* variables set, New-BqBackup -Path alone backs up to s3://$S3_BUCKET/$S3_BACKUP_PREFIX' {
        $backup = Invoke-WithEnvironment $bunqueueEnv { New-BqBackup -Path $db }
        $backup.Destination | Should -Be 's3://bqtest/backups/'
        $listing = Invoke-Aws $server s3 ls 's3://bqtest/backups/'
        "$listing" | Should -Match ([regex]::Escape($backup.Name))
        "$listing" | Should -Match ([regex]::Escape("$($backup.Name).meta.json"))
    }

    It 'stores a body that awscli downloads and gunzip turns into the bytes whose SHA-256 the sidecar records' {
        $backup = New-BqBackup -Path $db -Destination 's3://bqtest/check/' @s3
        $local = Join-Path $TestDrive 'fetched.db.gz'
        Invoke-Aws $server s3 cp "s3://bqtest/check/$($backup.Name)" $local | Out-Null
        Invoke-Aws $server s3 cp "s3://bqtest/check/$($backup.Name).meta.json" "$local.meta.json" | Out-Null
        gzip -d -f $local
        $meta = Get-Content -Raw "$local.meta.json" | ConvertFrom-Json
        Get-FileSha256 ($local -replace '\.gz$') | Should -Be $meta.checksum
        $meta.checksum | Should -Be $backup.Sha256
        $meta.compressedSize | Should -Be $backup.Size
    }

    It 'lists, restores and expires through s3:// exactly as through a folder' {
        $dest = 's3://bqtest/cycle/'
        $first = New-BqBackup -Path $db -Destination $dest @s3
        $second = New-BqBackup -Path $db -Destination $dest @s3
        $listed = Get-BqBackup -Destination $dest @s3
        $listed.Name | Should -Be $second.Name, $first.Name
        $listed[0].Destination | Should -Be $dest

        $target = Join-Path $TestDrive 'restored-from-s3.db'
        $result = Get-BqBackup -Destination $dest -Latest @s3 | Restore-BqBackup -Path $target -Confirm:$false @s3
        $result.ChecksumVerified | Should -BeTrue
        Get-FileSha256 $target | Should -Be $second.Sha256

        Remove-BqBackupExpired -Destination $dest -RetentionDays 1 -PassThru @s3 | Should -BeNullOrEmpty
        (Get-BqBackup -Destination $dest @s3) | Should -HaveCount 2
    }

    It 'takes the secret as a SecureString or a PSCredential' {
        $secure = ConvertTo-SecureString 'S3RVER' -AsPlainText -Force
        Get-BqBackup -Destination 's3://bqtest/cycle/' -EndpointUrl $server.Endpoint -AccessKey S3RVER -SecretKey $secure | Should -Not -BeNullOrEmpty
        $credential = [pscredential]::new('S3RVER', $secure)
        Get-BqBackup -Destination 's3://bqtest/cycle/' -EndpointUrl $server.Endpoint -Credential $credential | Should -Not -BeNullOrEmpty
    }

    It 'never shows the secret in output, verbose, debug, warnings or errors' {
        $secret = 'sEcReT-Do-Not-Leak-7f3a'   # s3rver never checks secrets, so this one works
        $all = & {
            New-BqBackup -Path $db -Destination 's3://bqtest/secret/' -EndpointUrl $server.Endpoint -AccessKey S3RVER -SecretKey $secret -Verbose -Debug
            Get-BqBackup -Destination 's3://bqtest/secret/' -EndpointUrl $server.Endpoint -AccessKey S3RVER -SecretKey $secret -Verbose | Format-List * | Out-String
            try { Get-BqBackup -Destination 's3://no-such-bucket/' -EndpointUrl $server.Endpoint -AccessKey S3RVER -SecretKey $secret -Verbose } catch { $_ }
        } *>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.ToString(); $_.Exception.ToString(); $_.ErrorDetails.RecommendedAction } else { $_ | Out-String }
        }
        ($all -join "`n") | Should -Not -Match $secret
        ($all -join "`n") | Should -Match 'BucketNotFound|no-such-bucket'
    }
}

Describe 'Retention and health on S3' {
    It 'expires by grandfather-father-son rules and reports health from the status record in the bucket' {
        $dest = 's3://bqtest/health/'
        $seed = New-BqBackup -Path $db -Destination $dest @s3
        $local = Join-Path $TestDrive 'seed.db.gz'
        Invoke-Aws $server s3 cp "s3://bqtest/health/$($seed.Name)" $local | Out-Null
        Invoke-Aws $server s3 cp "s3://bqtest/health/$($seed.Name).meta.json" "$local.meta.json" | Out-Null
        foreach ($days in 1, 2, 40) {
            $t = [datetime]::UtcNow.AddDays(-$days)
            $name = 'backup-{0}.db.gz' -f $t.ToString("yyyy-MM-dd'T'HH-mm-ss")
            $meta = Get-Content -Raw "$local.meta.json" | ConvertFrom-Json
            $meta.timestamp = $t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'")
            $meta | ConvertTo-Json | Set-Content "$local.$days.meta.json"
            Invoke-Aws $server s3 cp "$local.$days.meta.json" "s3://bqtest/health/$name.meta.json" | Out-Null
            Invoke-Aws $server s3 cp $local "s3://bqtest/health/$name" | Out-Null
        }
        $decisions = Get-BqBackupRetention -Destination $dest -KeepDaily 2 @s3
        ($decisions | Where-Object Action -eq 'Remove') | Should -HaveCount 2
        (Remove-BqBackupExpired -Destination $dest -KeepDaily 2 -PassThru @s3) | Should -HaveCount 2
        Get-BqBackup -Destination $dest @s3 | Should -HaveCount 2

        $status = Get-BqBackupStatus -Destination $dest @s3
        $status.Status | Should -Be 'Healthy'
        $status.BackupCount | Should -Be 2
        New-BqBackup -Path (Join-Path $TestDrive 'nope.db') -Destination $dest @s3 -ErrorAction SilentlyContinue
        (Get-BqBackupStatus -Destination $dest @s3).Status | Should -Be 'Critical'
        "$(Invoke-Aws $server s3 ls 's3://bqtest/health/')" | Should -Match 'bqbackup-status\.json'
    }
}

Describe 'Bad S3 input gets a clear error' {
    It '<Case>: <ErrorId>' -ForEach @(
        @{ Case = 'a malformed s3:// URL'; ErrorId = 'InvalidDestination'; Destination = 's3://'; Extra = @{} }
        @{ Case = 'an unknown bucket'; ErrorId = 'BucketNotFound'; Destination = 's3://no-such-bucket/x/'; Extra = @{} }
        @{ Case = 'an unknown access key'; ErrorId = 'InvalidCredentials'; Destination = 's3://bqtest/x/'; Extra = @{ AccessKey = 'NOT-A-KEY' } }
    ) {
        $params = $s3.Clone(); foreach ($k in $Extra.Keys) { $params[$k] = $Extra[$k] }
        $e = try { Get-BqBackup -Destination $Destination @params -ErrorAction Stop; $null } catch { $_ }
        $e.FullyQualifiedErrorId | Should -Be "$ErrorId,BqBackup.Commands.GetBqBackupCommand"
        $e.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'an object whose body was altered is refused before the live database is touched' {
        $b = New-BqBackup -Path $db -Destination 's3://bqtest/altered/' @s3
        $other = Join-Path $TestDrive 'other-body.db'
        New-SampleDatabase -Path $other -Jobs 10 | Out-Null
        gzip -k -f $other
        Invoke-Aws $server s3 cp "$other.gz" "s3://bqtest/altered/$($b.Name)" | Out-Null
        $live = Join-Path $TestDrive 'live-altered.db'
        Copy-Item $db $live
        $before = Get-FileSha256 $live
        $e = try { Restore-BqBackup -Path $live -Destination 's3://bqtest/altered/' -Name $b.Name -Confirm:$false @s3; $null } catch { $_ }
        $e.FullyQualifiedErrorId | Should -BeIn @('SizeMismatch,BqBackup.Commands.RestoreBqBackupCommand', 'ChecksumMismatch,BqBackup.Commands.RestoreBqBackupCommand')
        Get-FileSha256 $live | Should -Be $before
        Get-ChildItem -Force (Split-Path $live) -Filter '.live-altered*' | Should -BeNullOrEmpty
    }

    It 'an unreachable endpoint fails fast with EndpointUnreachable' {
        $closed = Get-FreeTcpPort
        $e = try { New-BqBackup -Path $db -Destination 's3://bqtest/x/' -EndpointUrl "http://127.0.0.1:$closed" -AccessKey S3RVER -SecretKey S3RVER -ErrorAction Stop; $null } catch { $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'EndpointUnreachable,*'
    }
}

Describe 'Interoperability with bunqueue''s own S3 backup' {
    It 'lists a backup made by bunqueue''s own backup now (Origin bunqueue) and restores it with its checksum verified' {
        $made = Invoke-BunqueueCli -Environment ((Get-BunqueueS3Environment -Server $server -Prefix 'native/') + @{ BUNQUEUE_DATA_PATH = $db }) -Arguments 'backup', 'now'
        $made.success | Should -BeTrue
        $theirs = Get-BqBackup -Destination 's3://bqtest/native/' @s3
        $theirs | Should -HaveCount 1
        $theirs.Origin | Should -Be 'bunqueue'
        $theirs.Name | Should -Be ($made.data.key -replace '^native/', '')
        $target = Join-Path $TestDrive 'from-bunqueue.db'
        $result = $theirs | Restore-BqBackup -Path $target -Confirm:$false @s3
        $result.ChecksumVerified | Should -BeTrue
        # bunqueue's sidecar records no integrity_check of its snapshot: ours runs it.
        $result.IntegrityProof | Should -Be 'integrity_check'
        $result.Counts.Jobs | Should -Be 500
    }

    It 'bunqueue''s own restore (backup restore KEY --force) restores a backup written by New-BqBackup' {
        $ours = New-BqBackup -Path $db -Destination 's3://bqtest/ours/' @s3
        $target = Join-Path $TestDrive 'bunqueue-restored.db'
        $restored = Invoke-BunqueueCli -Environment ((Get-BunqueueS3Environment -Server $server -Prefix 'ours/') + @{ BUNQUEUE_DATA_PATH = $target }) -Arguments 'backup', 'restore', "ours/$($ours.Name)", '--force'
        $restored.success | Should -BeTrue
        Get-FileSha256 $target | Should -Be $ours.Sha256
        sqlite3 $target 'SELECT COUNT(*) FROM jobs' | Should -Be 500
    }

    It 'bunqueue''s retention never deletes ours, and ours leaves bunqueue''s alone' {
        $prefix = 'shared/'
        $dest = "s3://bqtest/$prefix"
        $ours = New-BqBackup -Path $db -Destination $dest @s3
        $bqEnv = (Get-BunqueueS3Environment -Server $server -Prefix $prefix) + @{ BUNQUEUE_DATA_PATH = $db; S3_BACKUP_RETENTION = '1' }
        1..2 | ForEach-Object { (Invoke-BunqueueCli -Environment $bqEnv -Arguments 'backup', 'now').success | Should -BeTrue }
        $all = Get-BqBackup -Destination $dest @s3
        ($all | Where-Object Origin -eq 'bunqueue') | Should -HaveCount 1   # its retention of 1 ran
        $all.Name | Should -Contain $ours.Name

        $old = 'bunqueue-2020-01-01T00-00-00-000Z-4ef59650-3968-4995-9eca-fa2e9ea3c144.db'
        Invoke-Aws $server s3 cp "s3://bqtest/$prefix$($ours.Name)" "s3://bqtest/$prefix$old" | Out-Null
        (Remove-BqBackupExpired -Destination $dest -RetentionDays 1 -PassThru @s3).Name | Should -Not -Contain $old
        (Get-BqBackup -Destination $dest @s3).Name | Should -Contain $old
        (Remove-BqBackupExpired -Destination $dest -RetentionDays 1 -IncludeBunqueueBackups -PassThru @s3).Name | Should -Be $old
    }
}
