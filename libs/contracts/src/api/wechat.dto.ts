import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * The query WeChat puts on every callback to the server URL: the signature over the Official Account's
 * token, timestamp and nonce; on the verification GET an echostr to echo; in safe mode encrypt_type=aes
 * and msg_signature (over the token, timestamp, nonce and the Encrypt element).
 */
export class WechatCallbackQuery {
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-fA-F]{40}$/, { message: 'signature must be 40 hex digits (SHA-1)' })
  signature?: string;

  @IsString()
  @Matches(/^\d{1,12}$/, { message: 'timestamp must be Unix seconds' })
  timestamp!: string;

  @IsString()
  @Length(1, 64)
  nonce!: string;

  @IsOptional()
  @IsString()
  @Length(1, 256)
  echostr?: string;

  @IsOptional()
  @IsIn(['raw', 'aes'])
  encrypt_type?: 'raw' | 'aes';

  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-fA-F]{40}$/, { message: 'msg_signature must be 40 hex digits (SHA-1)' })
  msg_signature?: string;

  /** WeChat adds the sender's openid to the query; the XML's FromUserName is what counts. */
  @IsOptional()
  @IsString()
  @Length(1, 128)
  openid?: string;
}

/** How the gateway forwards WeChat's XML body to interaction (JSON between the services). */
export class WechatCallbackBody {
  @IsString()
  @Length(0, 65_536)
  xml!: string;
}

/** A customer-service text message to the customer's WeChat, within 48 hours of their last message. */
export class SendWechatMessageRequest {
  @ApiProperty({
    example: '您好，您咨询的礼盒明天发货。',
    minLength: 1,
    maxLength: 2_000,
    description: "The text sent to the customer's WeChat; logged as an outbound WeChat interaction",
  })
  @Transform(trim)
  @IsString()
  @Length(1, 2_000)
  text!: string;
}
