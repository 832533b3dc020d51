@{
    RootModule             = 'ModelOptimization.PowerShell.dll'
    ModuleVersion          = '0.1.0'
    CompatiblePSEditions   = @('Core')
    GUID                   = '6c0f3f7e-9a51-4d8e-b7f4-2d1c5e7a9b30'
    Author                 = 'ModelOptimization contributors'
    CompanyName            = 'ModelOptimization'
    Copyright              = '(c) ModelOptimization contributors. Apache-2.0.'
    Description            = 'Post-training quantization, selective quantization, a quantization debugger and a reference interpreter for TensorFlow Lite and SavedModel models, from the shell.'
    PowerShellVersion      = '7.6'
    FormatsToProcess       = @('ModelOptimization.Format.ps1xml', 'ModelOptimization.Runtime.Format.ps1xml', 'ModelOptimization.Quantization.Format.ps1xml')
    CmdletsToExport        = @(
        'Clear-LayerExclusion'
        'Export-Model'
        'Export-QuantizationRecipe'
        'Get-CalibrationStatistics'
        'Get-ModelLayer'
        'Get-ModelTensor'
        'Import-Dataset'
        'Import-Model'
        'Import-QuantizationRecipe'
        'Invoke-Model'
        'Invoke-Quantization'
        'Measure-ModelPerformance'
        'Measure-QuantizationError'
        'Set-LayerExclusion'
        'Set-ModelInputShape'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('TensorFlow', 'TFLite', 'LiteRT', 'Quantization', 'MachineLearning', 'ModelOptimization')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
