package tmobile

// Wire types: the JSON the real API sends, field for field.

// tokenResponse is CPaaSTokenResponse.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
}

// registrationInfo is RegistrationInfo.
type registrationInfo struct {
	MSISDN    string `json:"msisdn"`
	RegStatus bool   `json:"regStatus"`
}

// registrationStatusResponse is RegistrationStatusResponse.
type registrationStatusResponse struct {
	ReturnCode int                `json:"returnCode"`
	ChannelURL string             `json:"channelUrl"`
	Lines      []registrationInfo `json:"lines"`
}

// errorInfoBody is ErrorInfoBody.
type errorInfoBody struct {
	ReasonCode    string `json:"reasonCode"`
	SystemMessage string `json:"systemMessage"`
	UserMessage   string `json:"userMessage"`
}

// errorInfo is ErrorInfo.
type errorInfo struct {
	Errors []errorInfoBody `json:"errors"`
}
