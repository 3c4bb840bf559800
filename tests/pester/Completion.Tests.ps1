# Tab completion, driven as the console drives it: TabExpansion2 on a command line.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 30 | Out-Null
    $script:dest = Join-Path $TestDrive 'backups'
    $script:first = New-BqBackup -Path $db -Destination $dest
    $script:second = New-BqBackup -Path $db -Destination $dest
    $script:old = Copy-BackupAsOf -Backup $first -TimestampUtc ([datetime]::UtcNow.AddDays(-3))
    # Not backups: completion leaves them out.
    Set-Content (Join-Path $dest 'notes.txt') 'x'
    $script:empty = New-Item -ItemType Directory (Join-Path $TestDrive 'empty-cwd')

    # What Tab offers at the end of a command line, in order.
    function Get-Completion([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches
    }

    # The S3 environment variables cleared, whatever this process has, and put back after.
    $script:noS3 = @{ S3_BUCKET = $null; AWS_BUCKET = $null; S3_BACKUP_PREFIX = $null; S3_ENDPOINT = $null; AWS_ENDPOINT = $null }
}

Describe '-Name completes backup names from the destination on the command line' {
    It '<Command> -Destination <folder> -Name: every backup, newest first' -ForEach @(
        @{ Command = 'Get-BqBackup' }, @{ Command = 'Restore-BqBackup -Path ./x.db' }, @{ Command = 'Test-BqBackup' }
    ) {
        $found = Get-Completion "$Command -Destination '$dest' -Name "
        $found.CompletionText | Should -Be @($second.Name, $first.Name, $old)
        $found[0].ResultType | Should -Be 'ParameterValue'
        $found[0].ToolTip | Should -Match 'taken \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC'
    }

    It 'completes only the names that start with what was typed' {
        $typed = $old.Substring(0, 18)
        (Get-Completion "Get-BqBackup -Destination '$dest' -Name $typed").CompletionText | Should -Be @($old)
    }

    It 'reads the destination from a variable, a positional argument and a relative path' {
        $d = $dest
        (Get-Completion 'Get-BqBackup -Destination $d -Name ').CompletionText | Should -HaveCount 3
        (Get-Completion "Test-BqBackup '$dest' -Name ").CompletionText | Should -HaveCount 3
        Push-Location $TestDrive
        try { (Get-Completion 'Get-BqBackup ./backups -Name ').CompletionText | Should -HaveCount 3 } finally { Pop-Location }
    }

    Context 'when it cannot list (it completes nothing and never throws)' {
        BeforeAll { Push-Location $empty }
        AfterAll { Pop-Location }

        It 'with no destination and no S3_BUCKET' {
            Invoke-WithEnvironment $noS3 { Get-Completion 'Get-BqBackup -Name ' } | Should -BeNullOrEmpty
        }

        It 'with a folder that does not exist' {
            Get-Completion "Get-BqBackup -Destination '$(Join-Path $TestDrive 'nowhere')' -Name " | Should -BeNullOrEmpty
        }

        It 'with a destination that is not a folder or s3:// URL' {
            Get-Completion "Get-BqBackup -Destination 'ftp://example/x' -Name " | Should -BeNullOrEmpty
            Get-Completion "Get-BqBackup -Destination 's3://' -Name " | Should -BeNullOrEmpty
        }

        It 'with an S3 endpoint that does not answer, within a few seconds' {
            $closed = Get-FreeTcpPort
            $clock = [Diagnostics.Stopwatch]::StartNew()
            Get-Completion "Get-BqBackup -Destination s3://bqtest/x/ -EndpointUrl http://127.0.0.1:$closed -AccessKey K -SecretKey S -Name " | Should -BeNullOrEmpty
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
        }

        It 'the completer itself returns nothing for bad input, without throwing' {
            $completer = [Activator]::CreateInstance((Get-BqInternalType BqBackup.Completion.BackupNameCompleter))
            foreach ($bound in @{ Destination = (Join-Path $TestDrive 'nowhere') }, @{ Destination = 's3://' }, @{ Destination = 42 }, @{}, $null) {
                @(Invoke-WithEnvironment $noS3 { $completer.CompleteArgument('Get-BqBackup', 'Name', '', $null, $bound) }).Count | Should -Be 0
            }
        }
    }
}

Describe '-Name completion from S3' {
    BeforeAll {
        $script:server = Start-S3Server -Bucket 'bqtest' -Root $TestDrive
        $script:s3 = @{ EndpointUrl = $server.Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
        $script:s3First = New-BqBackup -Path $db -Destination 's3://bqtest/completion/' @s3
        $script:s3Second = New-BqBackup -Path $db -Destination 's3://bqtest/completion/' @s3
    }
    AfterAll { Stop-S3Server $server }

    It 'reuses the S3 parameters given on the command line' {
        $line = "Restore-BqBackup -Path ./x.db -Destination s3://bqtest/completion/ -EndpointUrl $($server.Endpoint) -Region us-east-1 -AccessKey S3RVER -SecretKey S3RVER -Name "
        (Get-Completion $line).CompletionText | Should -Be @($s3Second.Name, $s3First.Name)
    }

    It 'takes the secret from a -Credential' {
        $credential = [pscredential]::new('S3RVER', (ConvertTo-SecureString 'S3RVER' -AsPlainText -Force))
        $line = "Test-BqBackup -Destination s3://bqtest/completion/ -EndpointUrl $($server.Endpoint) -Credential `$credential -Name "
        (Get-Completion $line).CompletionText | Should -Be @($s3Second.Name, $s3First.Name)
    }

    It 'uses bunqueue''s S3 environment when no -Destination is given' {
        $names = Invoke-WithEnvironment (Get-BunqueueS3Environment -Server $server -Prefix 'completion/') { (Get-Completion 'Get-BqBackup -Name ').CompletionText }
        $names | Should -Be @($s3Second.Name, $s3First.Name)
    }
}

Describe '-Destination completion' {
    It 'offers s3://$S3_BUCKET/$S3_BACKUP_PREFIX from the environment on <Command>' -ForEach @(
        @{ Command = 'New-BqBackup' }, @{ Command = 'Get-BqBackup' }, @{ Command = 'Restore-BqBackup -Path ./x.db' },
        @{ Command = 'Test-BqBackup' }, @{ Command = 'Remove-BqBackupExpired' }, @{ Command = 'Get-BqBackupStatus' },
        @{ Command = 'Remove-BqBackup' }, @{ Command = 'Get-BqBackupRetention' },
        @{ Command = 'Register-BqBackupSchedule -AsCron' }
    ) {
        $found = Invoke-WithEnvironment @{ S3_BUCKET = 'my-bunqueue-backups'; S3_BACKUP_PREFIX = 'nightly/' } { Get-Completion "$Command -Destination " }
        $found[0].CompletionText | Should -Be 's3://my-bunqueue-backups/nightly/'
    }

    It 'defaults the prefix to backups/, as bunqueue does, and completes a typed s3 prefix' {
        $found = Invoke-WithEnvironment @{ S3_BUCKET = 'my-bunqueue-backups'; S3_BACKUP_PREFIX = $null } { Get-Completion 'New-BqBackup -Destination s3' }
        $found.CompletionText | Should -Be @('s3://my-bunqueue-backups/backups/')
    }

    It 'completes folders too, and no files' {
        Set-Content (Join-Path $TestDrive 'backup-notes.txt') 'a file, not a destination'
        Push-Location $TestDrive
        try {
            $found = Invoke-WithEnvironment $noS3 { Get-Completion 'New-BqBackup -Destination ./back' }
        } finally { Pop-Location }
        $found.CompletionText | Should -Be @('./backups')
        $found[0].ResultType | Should -Be 'ProviderContainer'
    }

    It 'offers nothing from an S3_BUCKET that is not a bucket name, without throwing' {
        Push-Location $empty
        try { Invoke-WithEnvironment @{ S3_BUCKET = 'Not A Bucket!' } { Get-Completion 'New-BqBackup -Destination ' } | Should -BeNullOrEmpty } finally { Pop-Location }
    }
}
