# Hostile ground: every cmdlet, every parameter, each bad value of its type. Whatever happens, no
# raw .NET exception reaches the user: a call either works or ends with an ErrorId from the README's
# table (or PowerShell's own parameter-binding error, which names the parameter), and no secret in a
# value is ever echoed. New cmdlets need a valid base call below, so the sweep reaches them too.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:Cmdlets = @(Get-Command -Module BqBackup -CommandType Cmdlet | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    # Not under TestDrive: junk values create folders such as 'backup-[' that Pester's own clean-up
    # would read as a wildcard.
    $script:work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bqsweep-$([guid]::NewGuid().ToString('N'))")).FullName
    $script:db = Join-Path $work 'queue.db'
    New-SampleDatabase -Path $db -Jobs 20 | Out-Null
    $script:dest = Join-Path $work 'backups'
    $script:backup = New-BqBackup -Path $db -Destination $dest
    $script:live = Join-Path $work 'live.db'
    Copy-Item $db $live
    $script:units = (New-Item -ItemType Directory (Join-Path $work 'units')).FullName
    $script:Secret = 'SECRETSWEEP42'

    # A call of each cmdlet that works as it stands; each bad value replaces one parameter of it.
    # Schedules only ever go to a temp unit folder and never reach systemctl.
    $script:Base = @{
        'New-BqBackup'                 = @{ Path = $db; Destination = $dest }
        'Get-BqBackup'                 = @{ Destination = $dest }
        'Restore-BqBackup'             = @{ Path = $live; Destination = $dest; Latest = $true; Confirm = $false }
        'Test-BqBackup'                = @{ Destination = $dest; Latest = $true }
        'Remove-BqBackupExpired'       = @{ Destination = $dest; KeepLast = 50; Confirm = $false }
        'Remove-BqBackup'              = @{ Destination = $dest; Name = 'backup-1999-01-01T00-00-00.db.gz'; Confirm = $false }
        'Get-BqBackupRetention'        = @{ Destination = $dest; KeepLast = 50 }
        'Get-BqBackupStatus'           = @{ Destination = $dest }
        'Test-BqBackupDestination'     = @{ Destination = $dest }
        'Get-BqBackupSchedule'         = @{ UnitDirectory = $units }
        'Register-BqBackupSchedule'    = @{ Name = 'bqsweep'; Path = $db; Destination = $dest; UnitDirectory = $units; NoEnable = $true; Force = $true; Confirm = $false }
        'Unregister-BqBackupSchedule'  = @{ Name = 'bqsweep'; UnitDirectory = $units; NoDisable = $true; Confirm = $false }
        'Copy-BqBackup'                = @{ From = $dest; Latest = $true; To = (Join-Path $work 'copies') }
    }

    # The bad values of each parameter type.
    $script:BadValues = @{
        'String'   = @('', '   ', "a`0b", ('x' * 4096), "http://AKIDSWEEP:$Secret@127.0.0.1:9/x", 'backup-[', '../../../etc/passwd', "line`nbreak")
        'Int32'    = @(-1, 0, [int]::MaxValue, [int]::MinValue)
        'Int64'    = @(-1, 0, [long]::MaxValue, [long]::MinValue)
        'Double'   = @(-1.0, 0.0, [double]::NaN, [double]::PositiveInfinity)
        'TimeSpan' = @([timespan]::MaxValue, [timespan]::MinValue, [timespan]::Zero, [timespan]::FromTicks(1))
        'DateTime' = @([datetime]::MinValue, [datetime]::MaxValue)
        'Object'   = @(@(1, 2), [pscustomobject]@{ junk = 1 }, 42)
        'Enum'     = @('NoSuchValue', 999)
        'Input'    = @([pscustomobject]@{ Name = 'x' }, [pscustomobject]@{}, 'junk')
    }

    # PowerShell's own errors while binding a value to a parameter: they name the parameter and the value.
    $script:BindingIds = @('ParameterArgumentValidationError', 'ParameterArgumentTransformationError', 'CannotConvertArgumentNoMessage',
        'CannotConvertArgument', 'ParameterArgumentValidationErrorEmptyStringNotAllowed', 'ParameterArgumentValidationErrorNullNotAllowed',
        'AmbiguousParameterSet', 'MissingArgument', 'ParameterBindingFailed', 'InputObjectNotBound', 'NamedParameterNotFound',
        'ParameterArgumentValidationErrorEmptyArrayNotAllowed', 'ParameterArgumentValidationErrorEmptyCollectionNotAllowed')

    $readme = Get-Content -Raw (Join-Path $RepoRoot 'README.md')
    $errors = [regex]::Match($readme, '(?ms)^## Errors\s*$(.*?)(?=^## |\z)').Groups[1].Value
    $script:DocumentedIds = @([regex]::Matches($errors, '(?m)^\|\s*([^|]+?)\s*\|') | ForEach-Object { $_.Groups[1].Value -split '\s*/\s*' } |
        Where-Object { $_ -and $_ -ne 'ErrorId' -and $_ -notmatch '^-+$' })

    function Get-BadValueKind($Parameter) {
        $type = $Parameter.ParameterType
        if ($type.IsArray) { $type = $type.GetElementType() }
        if ($type -eq [System.Management.Automation.SwitchParameter]) { return $null }
        if ($type -eq [securestring] -or $type -eq [pscredential]) { return $null }
        if ($type.IsEnum) { return 'Enum' }
        if ($type.Namespace -like 'BqBackup*') { return 'Input' }
        if ($BadValues.ContainsKey($type.Name)) { return $type.Name }
        return $null
    }

    # Runs one call and returns $null when it is acceptable, else why not.
    function Test-OneCall([string] $Cmdlet, [hashtable] $Arguments, [string] $Label) {
        $errorsSeen = @()
        try {
            & $Cmdlet @Arguments -ErrorAction Stop -ErrorVariable +errorsSeen -WarningAction SilentlyContinue -InformationAction SilentlyContinue 6>$null | Out-Null
        } catch {
            $errorsSeen += $_
        }
        foreach ($e in $errorsSeen) {
            $record = if ($e -is [System.Management.Automation.ErrorRecord]) { $e } elseif ($e.ErrorRecord) { $e.ErrorRecord } else { $null }
            if (-not $record) { return "${Label}: a bare exception $($e.GetType().FullName): $e" }
            $id = ($record.FullyQualifiedErrorId -split ',')[0]
            $text = @($record.Exception.Message, $record.ErrorDetails.Message, "$($record.TargetObject)") -join ' '
            if ($text -match $Secret) { return "${Label}: the secret is echoed in $id" }
            if ($id -in $DocumentedIds) { continue }
            if ($id -in $BindingIds -and $record.Exception -is [System.Management.Automation.ParameterBindingException]) { continue }
            return "${Label}: '$($record.FullyQualifiedErrorId)' ($($record.Exception.GetType().FullName)): $($record.Exception.Message)"
        }
        $null
    }
}

AfterAll { if ($work) { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue } }

Describe 'Hostile ground: every parameter of <Name> with junk' -ForEach $Cmdlets {
    It 'has a valid base call in this sweep' {
        $Base.ContainsKey($Name) | Should -BeTrue -Because "add a working call of $Name to the sweep's base calls"
    }

    It 'answers every bad value with success, a documented ErrorId or a binding error' {
        $command = Get-Command $Name
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $problems = [System.Collections.Generic.List[string]]::new()
        $calls = 0
        Push-Location $work
        try {
            foreach ($parameter in $command.Parameters.Values | Where-Object { $_.Name -notin $common }) {
                $kind = Get-BadValueKind $parameter
                if (-not $kind) { continue }
                foreach ($value in $BadValues[$kind]) {
                    $arguments = @{} + $Base[$Name]
                    # A value of another parameter set would only ever be an AmbiguousParameterSet: replace the selectors it excludes.
                    $arguments[$parameter.Name] = $value
                    $shown = "$value"; if ($shown.Length -gt 40) { $shown = $shown.Substring(0, 40) + '…' }
                    $problem = Test-OneCall $Name $arguments "$Name -$($parameter.Name) '$shown'"
                    $calls++
                    # Control characters of the junk (a NUL) would make the failure report itself unwritable as XML.
                    if ($problem) { $problems.Add(($problem -replace '[\x00-\x08\x0B\x0C\x0E-\x1F]', '?')) }
                }
            }
        } finally { Pop-Location }
        $calls | Should -BeGreaterThan 0
        $problems | ForEach-Object { Write-Host "  SWEEP $_" }
        $problems | Should -BeNullOrEmpty
    }
}
