# What a killed run leaves behind — a .partial-* body in a folder, a pending multipart upload in a
# bucket, a scratch folder in TMPDIR — is removed by the next backup or expiry on this machine,
# through the in-flight records in BQBACKUP_STATE_DIR; an expiry also aborts multipart uploads under
# its prefix that anyone started more than a day ago. S3 runs against moto_server, which (unlike
# s3rver) implements ListMultipartUploads and AbortMultipartUpload.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 300 | Out-Null

    # Runs a command in a child pwsh that kills itself (SIGKILL, as kill -9) at the named step.
    function Invoke-KilledAt([string] $Step, [string] $State, [string] $Command, [hashtable] $Environment = @{}) {
        $variables = @{ BQBACKUP_KILL_AT = $Step; BQBACKUP_STATE_DIR = $State } + $Environment
        Invoke-WithEnvironment $variables { Invoke-ChildPwsh $Command }
    }
    function Get-Partial([string] $Folder) { @(Get-ChildItem -Force -LiteralPath $Folder -Filter '.*.partial-*') }
    function Get-Record([string] $State) { @(Get-ChildItem -LiteralPath (Join-Path $State 'in-flight') -Filter '*.json' -ErrorAction Ignore) }
    function Get-VerboseText { param([Parameter(ValueFromPipeline)] $Item) process { if ($Item -is [System.Management.Automation.VerboseRecord]) { $Item.Message } } }
}

Describe 'Leftovers: a folder backup killed with its body half written' {
    BeforeAll {
        $script:state = Join-Path $TestDrive 'state-folder'
        $script:dest = Join-Path $TestDrive 'killed-folder'
        $script:tmp = (New-Item -ItemType Directory (Join-Path $TestDrive 'tmp-folder')).FullName
        Invoke-KilledAt 'backup-body-written' $state "New-BqBackup -Path '$db' -Destination '$dest'" @{ TMPDIR = $tmp } | Out-Null
        $script:partial = Get-Partial $dest
    }

    It 'leaves a .partial-* body, a scratch folder and an in-flight record naming its pid and start time (0600)' {
        $partial | Should -HaveCount 1
        Get-ChildItem -LiteralPath $tmp -Filter 'bqbackup-*' | Should -Not -BeNullOrEmpty
        $records = Get-Record $state
        $records | Should -HaveCount 1
        $record = Get-Content -Raw $records[0].FullName | ConvertFrom-Json
        $record.kind | Should -Be 'folder'
        $record.partial | Should -Be $partial[0].FullName
        $record.pid | Should -BeGreaterThan 0
        $record.startTime | Should -Not -BeNullOrEmpty
        [int] (Get-Item $records[0].FullName).UnixFileMode | Should -Be 0x180   # 0600
        [int] (Get-Item (Join-Path $state 'in-flight')).UnixFileMode | Should -Be 0x1C0   # 0700
    }

    It 'is removed by the next backup to that folder, which says so with -Verbose' {
        $out = Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = $state } { New-BqBackup -Path $db -Destination $dest -Verbose 4>&1 }
        ($out | Get-VerboseText) -join "`n" | Should -Match ([regex]::Escape("Removed '$($partial[0].FullName)'"))
        Get-Partial $dest | Should -BeNullOrEmpty
        Get-Record $state | Should -BeNullOrEmpty
        (Get-BqBackup -Destination $dest) | Should -HaveCount 1
    }
}

Describe 'Leftovers: a folder backup killed before its commit, then an expiry' {
    BeforeAll {
        $script:state = Join-Path $TestDrive 'state-expiry'
        $script:dest = Join-Path $TestDrive 'killed-expiry'
        $script:tmp = (New-Item -ItemType Directory (Join-Path $TestDrive 'tmp-expiry')).FullName
        Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = $state } { New-BqBackup -Path $db -Destination $dest } | Out-Null
        Invoke-KilledAt 'backup-sidecar-written' $state "New-BqBackup -Path '$db' -Destination '$dest'" @{ TMPDIR = $tmp } | Out-Null
        $script:partial = Get-Partial $dest
    }

    It 'left a partial body and a scratch folder' {
        $partial | Should -HaveCount 1
        Get-ChildItem -LiteralPath $tmp -Filter 'bqbackup-*' | Should -Not -BeNullOrEmpty
    }

    It 'under -WhatIf, only says it would remove the partial body' {
        $text = Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = $state; TMPDIR = $tmp } { Invoke-ChildPwsh "Remove-BqBackupExpired -Destination '$dest' -KeepLast 5 -WhatIf" }
        $text | Should -Match 'What if: .*partial body a killed backup left'
        $text | Should -Match ([regex]::Escape($partial[0].Name))
        Get-Partial $dest | Should -HaveCount 1
        Get-ChildItem -LiteralPath $tmp -Filter 'bqbackup-*' | Should -Not -BeNullOrEmpty
    }

    It 'is removed by the next expiry, with the scratch folder' {
        $out = Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = $state; TMPDIR = $tmp } {
            Remove-BqBackupExpired -Destination $dest -KeepLast 5 -Confirm:$false -Verbose 4>&1
        }
        ($out | Get-VerboseText) -join "`n" | Should -Match ([regex]::Escape("Removed '$($partial[0].FullName)'"))
        Get-Partial $dest | Should -BeNullOrEmpty
        Get-Record $state | Should -BeNullOrEmpty
        Get-ChildItem -LiteralPath $tmp -Filter 'bqbackup-*' | Should -BeNullOrEmpty
        (Get-BqBackup -Destination $dest) | Should -HaveCount 1
    }
}

Describe 'Leftovers: a restore after a killed backup' {
    It 'removes the killed run''s scratch folder from TMPDIR' {
        $state = Join-Path $TestDrive 'state-restore'
        $dest = Join-Path $TestDrive 'restore-dest'
        $tmp = (New-Item -ItemType Directory (Join-Path $TestDrive 'tmp-restore')).FullName
        Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = $state } { New-BqBackup -Path $db -Destination $dest } | Out-Null
        Invoke-KilledAt 'backup-snapshot-taken' $state "New-BqBackup -Path '$db' -Destination '$dest'" @{ TMPDIR = $tmp } | Out-Null
        Get-ChildItem -LiteralPath $tmp -Filter 'bqbackup-*' | Should -Not -BeNullOrEmpty
        $target = Join-Path $TestDrive 'restored/queue.db'
        New-Item -ItemType Directory -Force (Split-Path $target) | Out-Null
        Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = $state; TMPDIR = $tmp } { Restore-BqBackup -Path $target -Destination $dest -Latest -Confirm:$false } | Out-Null
        Get-ChildItem -LiteralPath $tmp -Filter 'bqbackup-*' | Should -BeNullOrEmpty
    }
}

Describe 'Leftovers: multipart uploads left in S3 (moto_server)' {
    BeforeAll {
        $moto = Get-Command moto_server -CommandType Application -ErrorAction Ignore | Select-Object -First 1
        if (-not $moto) { throw 'moto_server is not on PATH: these tests need moto 5.x (moto[server]), which implements ListMultipartUploads and AbortMultipartUpload; s3rver does not.' }
        $port = Get-FreeTcpPort
        $log = Join-Path $TestDrive "moto-$port"
        $script:motoProcess = Start-Process -FilePath $moto.Source -ArgumentList @('-H', '127.0.0.1', '-p', $port) -PassThru `
            -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err"
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while ($true) {
            try { $client = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $port); $client.Dispose(); break }
            catch {
                if ($motoProcess.HasExited -or [datetime]::UtcNow -gt $deadline) {
                    throw "moto_server did not start on 127.0.0.1:${port}: $(Get-Content -Raw "$log.err" -ErrorAction Ignore)"
                }
                Start-Sleep -Milliseconds 200
            }
        }
        $script:server = [pscustomobject]@{ Endpoint = "http://127.0.0.1:$port"; Bucket = 'bqleftovers' }
        Invoke-Aws $server s3api create-bucket --bucket $server.Bucket | Out-Null
        $script:s3 = "-EndpointUrl '$($server.Endpoint)' -Region us-east-1 -AccessKey moto -SecretKey Secret-Never-Recorded"
        $script:s3Params = @{ EndpointUrl = $server.Endpoint; Region = 'us-east-1'; AccessKey = 'moto'; SecretKey = 'Secret-Never-Recorded' }
        function Get-PendingUpload([string] $Prefix) {
            $json = Invoke-Aws $server s3api list-multipart-uploads --bucket $server.Bucket --prefix $Prefix --output json
            $parsed = ($json -join "`n") | ConvertFrom-Json
            if ($parsed -and $parsed.PSObject.Properties['Uploads']) { @($parsed.Uploads) } else { @() }
        }
        # Larger than one 6 MiB part once compressed (about 10 MB of gzip).
        $script:bigDb = Join-Path $TestDrive 'big.db'
        [BqBackup.Sample.SampleDatabase]::CreateOfSize($bigDb, 16MB, 1) | Out-Null
    }

    AfterAll {
        if ($motoProcess -and -not $motoProcess.HasExited) { Stop-Process -Id $motoProcess.Id -Force; $motoProcess.WaitForExit(5000) | Out-Null }
    }

    It 'a backup killed after its first part leaves a pending upload, and the next backup on this machine aborts it' {
        $state = Join-Path $TestDrive 'state-s3'
        $dest = "s3://$($server.Bucket)/killed/"
        Invoke-KilledAt 'backup-first-part-uploaded' $state "New-BqBackup -Path '$bigDb' -Destination '$dest' $s3" | Out-Null
        $pending = Get-PendingUpload 'killed/'
        $pending | Should -HaveCount 1
        $record = Get-Content -Raw (Get-Record $state)[0].FullName | ConvertFrom-Json
        $record.kind | Should -Be 's3'
        $record.uploadId | Should -Be $pending[0].UploadId
        $record.key | Should -Be $pending[0].Key
        (Get-Content -Raw (Get-Record $state)[0].FullName) | Should -Not -Match 'Secret-Never-Recorded'

        $out = Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = $state } { New-BqBackup -Path $db -Destination $dest @s3Params -Verbose 4>&1 }
        ($out | Get-VerboseText) -join "`n" | Should -Match ([regex]::Escape("Aborted the multipart upload of '$($pending[0].Key)' (upload id $($pending[0].UploadId))"))
        Get-PendingUpload 'killed/' | Should -BeNullOrEmpty
        Get-Record $state | Should -BeNullOrEmpty
        (Get-BqBackup -Destination $dest @s3Params) | Should -HaveCount 1
    }

    It 'Remove-BqBackupExpired names a stale upload of someone else''s under -WhatIf, then aborts it with -Verbose' {
        $state = Join-Path $TestDrive 'state-stale'
        $dest = "s3://$($server.Bucket)/stale/"
        Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = $state } { New-BqBackup -Path $db -Destination $dest @s3Params } | Out-Null
        $key = 'stale/backup-2020-01-01T00-00-00.db.gz'
        $id = ((Invoke-Aws $server s3api create-multipart-upload --bucket $server.Bucket --key $key --output json) -join "`n" | ConvertFrom-Json).UploadId
        $elsewhere = ((Invoke-Aws $server s3api create-multipart-upload --bucket $server.Bucket --key 'elsewhere/backup.db.gz' --output json) -join "`n" | ConvertFrom-Json).UploadId

        # moto reports every upload as initiated on 2010-11-10, so it is "older than a day" as it
        # stands; BQBACKUP_STALE_UPLOAD_AGE (for tests) moves the threshold past that date, to show
        # that a younger upload is left alone.
        $out = Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = $state; BQBACKUP_STALE_UPLOAD_AGE = '20000.00:00:00' } {
            Remove-BqBackupExpired -Destination $dest @s3Params -KeepLast 5 -Confirm:$false -Verbose 4>&1
        }
        ($out | Get-VerboseText) -join "`n" | Should -Not -Match ([regex]::Escape($id))
        (Get-PendingUpload 'stale/').UploadId | Should -Be $id

        $whatIf = Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = $state } {
            Invoke-ChildPwsh "Remove-BqBackupExpired -Destination '$dest' $s3 -KeepLast 5 -WhatIf"
        }
        $whatIf | Should -Match "What if: Performing the operation `"Abort incomplete multipart upload \(initiated "
        $whatIf | Should -Match ([regex]::Escape("$key (upload id $id)"))
        (Get-PendingUpload 'stale/').UploadId | Should -Be $id

        $out = Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = $state } {
            Remove-BqBackupExpired -Destination $dest @s3Params -KeepLast 5 -Confirm:$false -Verbose 4>&1
        }
        ($out | Get-VerboseText) -join "`n" | Should -Match ([regex]::Escape("Aborted the incomplete multipart upload of '$key' (upload id $id), initiated "))
        Get-PendingUpload 'stale/' | Should -BeNullOrEmpty
        (Get-PendingUpload 'elsewhere/').UploadId | Should -Be $elsewhere   # another prefix is not this expiry's
        (Get-BqBackup -Destination $dest @s3Params) | Should -HaveCount 1
    }

    It 'against s3rver, which cannot list multipart uploads, is a verbose note and not an error' {
        $s3rver = Start-S3Server -Bucket 'bqnolist' -Root $TestDrive
        try {
            $params = @{ EndpointUrl = $s3rver.Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
            $dest = "s3://$($s3rver.Bucket)/x/"
            Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = (Join-Path $TestDrive 'state-nolist') } { New-BqBackup -Path $db -Destination $dest @params } | Out-Null
            $out = Invoke-WithEnvironment @{ BQBACKUP_STATE_DIR = (Join-Path $TestDrive 'state-nolist'); BQBACKUP_STALE_UPLOAD_AGE = '00:00:00' } {
                Remove-BqBackupExpired -Destination $dest @params -KeepLast 5 -Confirm:$false -Verbose *>&1
            }
            $out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -or $_ -is [System.Management.Automation.WarningRecord] } | Should -BeNullOrEmpty
            ($out | Get-VerboseText) -join "`n" | Should -Match 'incomplete multipart uploads under .*(does not implement|may not)'
        }
        finally { Stop-S3Server $s3rver }
    }
}
